# tinhoi — the commands people know from pelican-quickstart, plus check, new, import, test, bench.
# `make html` and `make test` work on a fresh machine: they create .venv first.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PELICAN := $(VENV)/bin/pelican
SETTINGS ?= pelicanconf.py
PUBLISHCONF ?= publishconf.py
OUTPUT ?= output
PREVIEW ?= .cache/xem-truoc
HOST ?= 127.0.0.1
PORT ?= 8000
N ?= 2000
# make test: the tests in one process per core, each test file in one process (its
# fixtures made once), in the order tests/conftest.py gives them (the slowest first)
PYTEST_ARGS ?= -n auto --dist loadfile --no-loadscope-reorder

# make new
TITLE ?=
TYPE ?= news
# make import
SRC ?=
# make rsync_upload: the web server and the folder nginx serves (docs/nginx.md)
SSH_HOST ?=
SSH_PORT ?= 22
SSH_USER ?= $(USER)
SSH_TARGET_DIR ?= /var/www/tinhoi
# make s3_upload: any S3-compatible storage, through the AWS command-line client
S3_BUCKET ?=
S3_ENDPOINT ?=
AWS ?= aws

.PHONY: help venv html clean regenerate serve devserver publish check test lint bench bench-images bench-phases \
	bench-preview bench-instructions bench-reload \
	new import rsync_upload s3_upload

help:
	@echo "make new TITLE=\"…\" TYPE=meeting|signing|award|news   tạo bài mới (bản nháp)"
	@echo "make import SRC=tệp-hoặc-thư-mục   nhập bài cũ (.txt, .html) thành bài mới"
	@echo "make check       kiểm tra mọi bài viết, báo mọi lỗi một lần"
	@echo "make devserver   xem trước tại http://$(HOST):$(PORT), có bản nháp, tự tải lại khi sửa"
	@echo "make html        dựng trang vào $(OUTPUT)/ (tự tạo $(VENV) khi chưa có)"
	@echo "make serve       xem $(OUTPUT)/ tại http://$(HOST):$(PORT)"
	@echo "make publish     dựng bản công khai với $(PUBLISHCONF), nén sẵn (từ chối khi còn lỗi)"
	@echo "make rsync_upload  xuất bản rồi đưa lên máy chủ (SSH_HOST=…, SSH_TARGET_DIR=…)"
	@echo "make s3_upload   xuất bản rồi đưa lên kho S3 (S3_BUCKET=…, S3_ENDPOINT=…)"
	@echo "make test        chạy toàn bộ kiểm thử"
	@echo "make bench       đo tốc độ dựng (N=$(N) bài)"
	@echo "make bench-phases  thời gian dựng theo từng giai đoạn (N=$(N) bài)"
	@echo "make bench-preview thời gian dựng lại bản xem trước sau khi sửa (N=$(N) bài)"
	@echo "make bench-reload  trang đang mở tải lại nhanh thế nào sau mỗi lần dựng"
	@echo "make bench-instructions  số lệnh máy của một lần dựng (callgrind; AGAINST=rev để so)"
	@echo "make clean       xoá $(OUTPUT)/ và bản xem trước"

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# The project's own modules are byte-compiled as pip compiles the libraries it installs
# (an editable install does not): a build then loads them instead of compiling them,
# also where PYTHONDONTWRITEBYTECODE is set (0.3-0.45 s of every build). Files already
# compiled are skipped.
venv: $(VENV)/.installed
	@$(PY) -m compileall -q plugins tinhoi

new: venv
	$(PY) -m tinhoi new -s $(SETTINGS) --title "$(TITLE)" --type "$(TYPE)"

import: venv
	@test -n "$(SRC)" || (echo "Cần SRC: make import SRC=duong/dan/bai-cu.txt (tệp hoặc thư mục)"; exit 1)
	$(PY) -m tinhoi import -s $(SETTINGS) $(SRC)

html: venv
	$(PY) -m tinhoi build -s $(SETTINGS) -o $(OUTPUT)

clean:
	rm -rf $(OUTPUT) .cache

regenerate: venv
	$(PELICAN) -r content -o $(OUTPUT) -s $(SETTINGS)

serve: venv
	$(PELICAN) -l -o $(OUTPUT) -s $(SETTINGS) -b $(HOST) -p $(PORT)

devserver: venv
	$(PY) -m tinhoi devserver -s $(SETTINGS) -o $(PREVIEW) -b $(HOST) -p $(PORT)

publish: venv
	$(PY) -m tinhoi publish -s $(PUBLISHCONF) -o $(OUTPUT)

rsync_upload: publish
	@test -n "$(SSH_HOST)" || (echo "Cần SSH_HOST: make rsync_upload SSH_HOST=may-chu.example.org SSH_TARGET_DIR=/var/www/tinhoi"; exit 1)
	@command -v rsync >/dev/null || (echo "Chưa có rsync: cài bằng 'apt-get install rsync'"; exit 1)
	rsync -e "ssh -p $(SSH_PORT)" -rlcvz --delete-after --delay-updates --cvs-exclude \
		--exclude '.tinhoi-*' $(OUTPUT)/ "$(SSH_USER)@$(SSH_HOST):$(SSH_TARGET_DIR)"

# S3 cannot choose between x.html and x.html.gz by Accept-Encoding, so the precompressed
# copies stay home; the client's own checksum-free sync is fine for a few thousand files.
s3_upload: publish
	@test -n "$(S3_BUCKET)" || (echo "Cần S3_BUCKET: make s3_upload S3_BUCKET=ten-kho [S3_ENDPOINT=https://…]"; exit 1)
	@command -v $(AWS) >/dev/null || (echo "Chưa có công cụ 'aws': cài bằng 'pipx install awscli' hoặc 'apt-get install awscli'"; exit 1)
	$(AWS) s3 sync $(OUTPUT)/ "s3://$(S3_BUCKET)/" --delete --exclude '*.gz' --exclude '*.br' \
		$(if $(S3_ENDPOINT),--endpoint-url "$(S3_ENDPOINT)") \
		--cache-control "public, max-age=300"

check: venv
	$(PY) -m tinhoi check -s $(SETTINGS)

test: venv
	bash tools/test-setup.sh
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .

bench: venv
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) bench/bench_build.py --articles $(N)

bench-images: venv
	$(PY) bench/bench_images.py

bench-reload: venv
	$(PY) bench/bench_reload.py

bench-phases: venv
	$(PY) bench/phases.py --articles $(N)

bench-preview: venv
	$(PY) bench/bench_preview.py --articles $(N)

# Instructions of a cold build of 300 articles (callgrind), against AGAINST=<git rev> too.
AGAINST ?=
bench-instructions: venv
	$(PY) bench/instructions.py --articles 300 $(if $(AGAINST),--against $(AGAINST))
