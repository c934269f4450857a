# The Permanence service image: API (and, later, workers) from one image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY solver ./solver
COPY calendars ./calendars
COPY scheduler ./scheduler
RUN pip install . && useradd --system --home /app permanence
USER permanence

EXPOSE 8000
CMD ["permanence", "serve", "--host", "0.0.0.0", "--port", "8000"]
