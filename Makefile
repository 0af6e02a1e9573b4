# tinhoi — the commands people know from pelican-quickstart, plus check, new, test, bench.
# `make html` and `make test` work on a fresh machine: they create .venv first.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PELICAN := $(VENV)/bin/pelican
SETTINGS ?= pelicanconf.py
PUBLISHCONF ?= publishconf.py
OUTPUT ?= output
HOST ?= 127.0.0.1
PORT ?= 8000
N ?= 2000

.PHONY: help venv html clean regenerate serve devserver publish check test lint bench

help:
	@echo "make html        dựng trang vào $(OUTPUT)/ (tự tạo $(VENV) khi chưa có)"
	@echo "make check       kiểm tra mọi bài viết, báo mọi lỗi một lần"
	@echo "make serve       xem trang tại http://$(HOST):$(PORT)"
	@echo "make devserver   xem trước, tự dựng lại khi sửa"
	@echo "make publish     dựng bản công khai với $(PUBLISHCONF) (từ chối khi còn lỗi)"
	@echo "make test        chạy toàn bộ kiểm thử"
	@echo "make bench       đo tốc độ dựng (N=$(N) bài)"
	@echo "make clean       xoá $(OUTPUT)/"

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

venv: $(VENV)/.installed

html: venv
	$(PY) -m tinhoi build -s $(SETTINGS) -o $(OUTPUT)

clean:
	rm -rf $(OUTPUT) .cache

regenerate: venv
	$(PELICAN) -r content -o $(OUTPUT) -s $(SETTINGS)

serve: venv
	$(PELICAN) -l -o $(OUTPUT) -s $(SETTINGS) -b $(HOST) -p $(PORT)

devserver: venv
	$(PELICAN) -lr content -o $(OUTPUT) -s $(SETTINGS) -b $(HOST) -p $(PORT)

publish: venv
	$(PY) -m tinhoi publish -s $(PUBLISHCONF) -o $(OUTPUT)

check: venv
	$(PY) -m tinhoi check -s $(SETTINGS)

test: venv
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .

bench: venv
	$(PY) bench/bench_build.py --articles $(N)
