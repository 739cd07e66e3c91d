# ser — the commands a user and CI need. `make demo` runs the main job, `make test` runs the tests.
SWIFT ?= swift
RELEASE_BIN = .build/release/ser

.PHONY: all bootstrap build release test demo bench clean fuzz

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

# Longer fuzz runs: the command language's lexer and parser (CI runs 100k inputs; this runs 5M), then the
# readers of audio files, .npy/.csv tables, safetensors models and cache entries (CI: 10k each; this: 1M each).
fuzz: bootstrap
	$(SWIFT) build --build-tests
	SER_FUZZ_COUNT=$${SER_FUZZ_COUNT:-5000000} $(SWIFT) test --skip-build --filter 'LanguageTests.FuzzTests'
	SER_FUZZ_COUNT=$${SER_READER_FUZZ_COUNT:-1000000} $(SWIFT) test --skip-build \
		--filter 'AudioFuzzTests|TableFuzzTests|CheckpointFuzzTests|CacheFuzzTests|ValueFuzzTests'

clean:
	rm -rf .build build
