#!/usr/bin/env python3
"""A real S3-compatible server for the tests: moto's server on 127.0.0.1:PORT with the empty
bucket BUCKET (credentials: any). Prints "ready" once the bucket exists, then serves until its
standard input closes (so it ends with the test that started it) or it gets SIGTERM.

    python3 scripts/s3_server.py BUCKET PORT
"""

import logging
import signal
import sys

import boto3
from moto.server import ThreadedMotoServer


def main() -> None:
    bucket, port = sys.argv[1], int(sys.argv[2])
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    s3 = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{port}",
        aws_access_key_id="refdesk",
        aws_secret_access_key="refdesk-secret",
        region_name="us-east-1",
    )
    s3.create_bucket(Bucket=bucket)
    print("ready", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        sys.stdin.read()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
