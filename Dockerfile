# One image for web and worker. By default torch comes from PyTorch's CPU index: no CUDA in the
# image. A CUDA worker image (run with `docker run --gpus all`, or compose's `gpus: all`):
#   docker build --build-arg TORCH_INDEX=https://download.pytorch.org/whl/cu128 \
#     --build-arg TORCH_DEVICE=cuda -t dlplatform-worker:cuda .
# (an empty TORCH_INDEX takes PyPI's torch, which on Linux is also a CUDA build).
FROM python:3.11-slim AS base
ARG TORCH_VERSION=2.13.0
ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
# cpu, cuda, cuda:N or auto (playground/training/device.py); a missing GPU falls back to the CPU.
ARG TORCH_DEVICE=cpu
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 VAR_DIR=/app/var \
    TORCH_DEVICE=${TORCH_DEVICE}
WORKDIR /app
# The audio lessons' voices and encoder (lessons/tts.py): espeak-ng, and ffmpeg for Ogg Opus.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends espeak-ng ffmpeg \
 && rm -rf /var/lib/apt/lists/*
RUN pip install ${TORCH_INDEX:+--index-url "$TORCH_INDEX"} "torch==${TORCH_VERSION}"
COPY pyproject.toml README.md ./
COPY dlplatform ./dlplatform
COPY glossary ./glossary
COPY lessons ./lessons
COPY flashcards ./flashcards
COPY quizzes ./quizzes
COPY playground ./playground
COPY manage.py gunicorn.conf.py ./
RUN pip install ".[worker]" \
 && SECRET_KEY=build-only STATIC_MANIFEST=1 python manage.py collectstatic --noinput \
 && useradd --create-home app && mkdir -p /app/var && chown -R app /app/var
USER app
EXPOSE 8000
CMD ["gunicorn", "dlplatform.wsgi:application", "--config", "gunicorn.conf.py"]
