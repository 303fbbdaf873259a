"""gunicorn settings of `creditbot serve --config deploy/gunicorn.conf.py`, behind the
proxy of deploy/nginx/creditbot.conf. Command-line flags override them; `kill -HUP` on the
master reads this file again and replaces the workers gracefully."""

bind = ["127.0.0.1:3000"]  # only the proxy on this host connects
workers = 2  # processes: one per core
threads = 8  # requests at once per worker; as many threads again do the work after the ack
timeout = 30  # seconds a worker may stay silent before it is replaced
graceful_timeout = 30  # seconds a stopping worker gives the requests it is running
keepalive = 5
max_requests = 10000  # a worker is replaced after this many requests...
max_requests_jitter = 1000  # ...plus a random part, so that workers are not replaced together
accesslog = "-"  # the format (bot/serve.py) leaves out query strings and headers
errorlog = "-"
