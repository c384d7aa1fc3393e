"""The baseline for bench/feeds.py: the smallest Flask route gunicorn can serve."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "hello"
