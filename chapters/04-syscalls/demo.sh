#!/usr/bin/env bash
# Instructor demo for chapter 4 (system calls). Being written.
set -euo pipefail
