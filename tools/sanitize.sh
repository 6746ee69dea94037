#!/usr/bin/env bash
# Build ember's C code (runtime, loader, frontend, typing, codegen, Dispatcher) with AddressSanitizer
# and UndefinedBehaviorSanitizer into a virtual environment of its own, and run the test suite
# against it. Any report fails the run (halt_on_error). Generated code is not instrumented; the
# runtime it calls is. Usage: bash tools/sanitize.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${EMBER_SAN_VENV:-build/san-venv}
[ -x "$venv/bin/python" ] || python3 -m venv --system-site-packages "$venv"
flags="-fsanitize=address,undefined -fno-omit-frame-pointer -g -O1"
"$venv/bin/python" -m pip install --no-build-isolation -q . \
  -C build-dir=build/sanitize -C cmake.build-type=RelWithDebInfo \
  -C "cmake.define.CMAKE_C_FLAGS=$flags" \
  -C "cmake.define.CMAKE_SHARED_LINKER_FLAGS=-fsanitize=address,undefined" \
  -C "cmake.define.CMAKE_MODULE_LINKER_FLAGS=-fsanitize=address,undefined"
# AOT modules and the test that links a C program against one are built with `cc`: link them
# with the sanitizers too, since the runtime archive they link is instrumented.
wrap=build/sanitize/bin
mkdir -p "$wrap"
printf '#!/bin/sh\nexec /usr/bin/cc "$@" -fsanitize=address,undefined\n' > "$wrap/cc"
chmod +x "$wrap/cc"
export PATH="$PWD/$wrap:$PATH"
asan=$(gcc -print-file-name=libasan.so)
ubsan=$(gcc -print-file-name=libubsan.so)
cd tests
# Python and NumPy are not instrumented and keep memory until exit: leaks are not reported, every
# other error is (and stops the run; UBSAN_OPTIONS=print_stacktrace=1 lists every UBSan report instead).
# --capture=sys: pytest's default capture takes file descriptor 2 too, and a report written there
# just before the process stops would be lost with it.
LD_PRELOAD="$asan:$ubsan" PYTHONMALLOC=malloc \
ASAN_OPTIONS=detect_leaks=0:halt_on_error=1:allocator_may_return_null=1 \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
  "../$venv/bin/python" -m pytest -q -p no:cacheprovider --capture=sys "$@" .
