# Ledgerport server image: slim Python, WeasyPrint's system libraries and fonts, a non-root user.
# The container migrates the database, then serves on port 8000.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    LEDGERPORT_ENV=production \
    LEDGERPORT_TENANTS_DIR=/srv/ledgerport/tenants \
    LEDGERPORT_TEMPLATES_DIR=/srv/ledgerport/templates

RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libjpeg62-turbo libopenjp2-7 libffi8 \
        fonts-dejavu-core fonts-noto-core fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 ledgerport
WORKDIR /srv/ledgerport

COPY pyproject.toml README.md ./
COPY app ./app
COPY schema ./schema
COPY tenants ./tenants
COPY templates ./templates
RUN pip install --upgrade pip && pip install -e . \
    && mkdir -p var && chown -R ledgerport:ledgerport /srv/ledgerport/var

USER ledgerport
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"

# LEDGERPORT_SECRET_KEY and LEDGERPORT_DATABASE_URL come from the environment at run time, never the image.
CMD ["sh", "-c", "ledgerport migrate && exec ledgerport serve --host 0.0.0.0 --port 8000"]
