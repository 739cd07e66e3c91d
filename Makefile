# ser — the commands a user and CI need. `make demo` runs the main job, `make test` runs the tests.
SWIFT ?= swift
RELEASE_BIN = .build/release/ser

.PHONY: all bootstrap build release test demo bench clean

all: build

bootstrap:
	@scripts/bootstrap

build: bootstrap
	$(SWIFT) build

release: bootstrap
	$(SWIFT) build -c release
	@mkdir -p build/bin && cp $(RELEASE_BIN) build/bin/ser
	@echo "ser built: build/bin/ser"

test: bootstrap
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

demo: release
	build/bin/ser --version
	@scripts/demo

bench: release
	@bench/run

clean:
	rm -rf .build build
