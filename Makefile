# haneul: AWS on one machine.
GO ?= go

.PHONY: run build test test-short vet fuzz generate models bench

run: ## start haneul on 127.0.0.1:4566
	$(GO) run ./cmd/haneul

build:
	$(GO) build -o bin/haneul ./cmd/haneul

# The e2e package drives Terraform for several minutes, past go test's default
# 10-minute limit per package; its Terraform tests run side by side.
test: ## every test: unit, integration (in-process server + aws-sdk-go-v2), e2e (aws-cli, boto3, Terraform)
	$(GO) test $(TESTFLAGS) -timeout 60m -parallel 4 ./...

test-short: ## unit and integration tests only (skips the e2e tests that drive the binary)
	$(GO) test -short ./...

vet:
	gofmt -l . | (! grep .) && $(GO) vet ./...

generate: ## regenerate api_gen.go files from the vendored models
	$(GO) generate ./...

models: ## re-vendor the AWS API models from the installed botocore, then regenerate
	python3 codegen/vendor-models.py
	$(GO) generate ./...

fuzz: ## run every codec fuzz target for FUZZTIME each (default 30s)
	./scripts/fuzz.sh $(or $(FUZZTIME),30s)

bench: ## haneul against moto_server, side by side; writes docs/PERFORMANCE.md
	$(GO) run ./bench
