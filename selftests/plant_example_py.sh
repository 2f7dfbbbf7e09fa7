#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# plant_example_py.sh: the README's Python example (configs/
# plant_example.py, over the agiplant module and libagiplant.so.0 as
# `make install PREFIX=/usr` installs them, on Debian's python3) closes the
# loop with the real module, exactly: plant_example.sh's checks (every ok
# output equals y = A x of the plant's own SENSOR, the plant applies
# actuations and converges, the cycles it applied strictly increase).
top=$(cd "$(dirname "$0")/.." && pwd)
command -v python3 >/dev/null ||
	{ echo "1..0 # SKIP python3 is not in the image (make deps)"; exit 4; }
[ -f "$top/configs/plant_example.py" ] ||
	{ echo "1..0 # SKIP configs/plant_example.py not found"; exit 4; }
EXAMPLE_NAME=plant_example.py
EXAMPLE=(python3 "$top/configs/plant_example.py")
. "$top/selftests/plant_example.sh"
