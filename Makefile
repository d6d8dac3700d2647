# Two commands do all set-up on a fresh Debian machine with Swift:
#   make run    installs what is missing, builds, analyses a bundled fixture
#   make test   installs what is missing, builds, runs every test
SWIFT ?= swift
DEMO ?= Fixtures/ipv4-loopback.pcap
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get -y -q
# Debian packages the build needs (libpcap-dev); the targets below that need
# more add them, and `deps` installs what is missing.
PACKAGES := libpcap-dev pkg-config

.PHONY: run test deps venv build release fixtures golden bench bench-live fuzz sanitize clean

run: deps release
	.build/release/handshake -r $(DEMO)

# tshark is the oracle of the per-packet and conversation tests; the HTML
# report's browser tests run Debian's chromium, headless; tcpreplay sends
# the short zero-loss check of live capture (LiveRateTests).
test: PACKAGES += tshark chromium tcpreplay
test: deps venv
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Installs only what is missing, and runs `apt-get update` once, before the first install.
deps:
	@missing=""; \
	for package in $(PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing (apt-get)"; \
		$(APT) update >/dev/null && $(APT) install --no-install-recommends$$missing; \
	fi

# The distributed runner's Python (dask, distributed, pyarrow from PyPI) in
# .venv: the system Python is externally managed. Made again when
# Distributed/requirements.txt changes.
VENV := .venv
venv: $(VENV)/.installed
$(VENV)/.installed: Distributed/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r Distributed/requirements.txt
	touch $@

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Throughput against a C libpcap baseline and tshark in the same run, memory
# per open connection, allocations per packet, the HTML report's size and the time
# headless Chromium takes to load it; results in .bench/ (see Benchmarks/run).
bench: PACKAGES += tshark chromium
bench: deps release venv
	Benchmarks/run

# The zero-loss rate search of live capture over a veth pair: tcpreplay
# sends, handshake (several ways) and tcpdump listen; see Benchmarks/live-rate.
bench-live: PACKAGES += tcpreplay tcpdump
bench-live: deps release
	Benchmarks/live-rate

# The three libFuzzer targets for FUZZ_SECONDS each (default 60); see Fuzz/run.
fuzz: deps
	Fuzz/run

# The test suite under AddressSanitizer (leaks of third-party code suppressed,
# see Tests/Sanitizers/lsan.supp), then ThreadSanitizer, then valgrind memcheck
# over the libpcap paths (BPF on pcap and pcapng, the -w writer): no definite
# leaks, no invalid reads or writes. Undefined-value reports are off: the Swift
# runtime reads padding while it lays out generic metadata, and memcheck then
# flags every copy of a generic value, none of it in libpcap or our C paths.
VALGRIND := valgrind -q --leak-check=full --errors-for-leak-kinds=definite --undef-value-errors=no \
	--error-exitcode=9 --show-leak-kinds=definite
sanitize: PACKAGES += valgrind tshark chromium tcpreplay
sanitize: deps venv
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/Sanitizers/lsan.supp $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	$(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan
	$(SWIFT) build
	$(VALGRIND) .build/debug/handshake -r Fixtures/veth-ethernet.pcap --format json -w /tmp/handshake-valgrind.pcap 'tcp and not port 22' > /dev/null
	$(VALGRIND) .build/debug/handshake -r Fixtures/pcapng-two-link-types.pcapng --format summary 'tcp port 7001' > /dev/null
	$(VALGRIND) .build/debug/handshake check -r /tmp/handshake-valgrind.pcap --fail-on reset > /dev/null
	@echo "sanitize: AddressSanitizer, ThreadSanitizer and memcheck runs passed"

# Re-records every fixture from real sockets (root, tcpdump, tshark, nftables).
fixtures: PACKAGES += tcpdump tshark nftables
fixtures: deps
	Fixtures/record

clean:
	rm -rf .build

# Rewrites the golden outputs in Fixtures/golden (every format of the
# registry, on the fixtures GoldenOutputTests lists) from the current code:
# review the diff by eye before committing it.
golden: deps
	HANDSHAKE_GOLDEN=write $(SWIFT) test --filter GoldenOutputTests
	@git status --short Fixtures/golden
