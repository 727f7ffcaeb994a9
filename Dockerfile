# One image for web and worker. torch comes from PyTorch's CPU index: no CUDA in the image.
FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 VAR_DIR=/app/var
WORKDIR /app
RUN pip install --index-url https://download.pytorch.org/whl/cpu "torch==2.13.0"
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
