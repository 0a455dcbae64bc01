#!/bin/sh
# run.sh: the main job: sets up, builds and runs the example program against the library.
set -eu
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake -S . -B build -G Ninja -DWN_BUILD_TESTS=OFF >/dev/null
cmake --build build -j "$(nproc)" >/dev/null
exec ./build/examples/windows_style
