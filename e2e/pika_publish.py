"""Publishes N persistent messages with publisher confirms through pika (the seed chapter's client).

Usage: pika_publish.py HOST PORT USER QUEUE N   (password on stdin). Prints "confirmed N" on success.
Every wait is bounded: connection and blocked-connection timeouts, and the socket timeout.
"""
import sys

import pika

host, port, user, queue, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
password = sys.stdin.read().strip()
params = pika.ConnectionParameters(
    host=host, port=port, credentials=pika.PlainCredentials(user, password),
    connection_attempts=3, retry_delay=1, socket_timeout=10, blocked_connection_timeout=30, heartbeat=30,
)
conn = pika.BlockingConnection(params)
ch = conn.channel()
ch.confirm_delivery()
confirmed = 0
for i in range(count):
    # With confirm_delivery, basic_publish returns only once the broker confirmed (raises on nack).
    ch.basic_publish(exchange="", routing_key=queue, body=f"pika-{i}".encode(),
                     properties=pika.BasicProperties(delivery_mode=2), mandatory=True)
    confirmed += 1
conn.close()
print(f"confirmed {confirmed}")
