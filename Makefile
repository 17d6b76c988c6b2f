# Front door; the real build is meson/ninja in build/.
.PHONY: all build test demo bench clean

all: build

build:
	bash scripts/setup.sh

test:
	bash scripts/test.sh

demo:
	bash scripts/demo.sh

bench: build
	bench/run

clean:
	rm -rf build
