"""A moto S3 server on 127.0.0.1 for the tests that read object storage through s3fs."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping


@contextlib.contextmanager
def bucket(name: str, objects: Mapping[str, bytes], secret: str) -> Iterator[dict[str, str]]:
    """Serve ``objects`` (key: body) in the bucket ``name``; yields the environment that
    reaches it (credentials with the secret key ``secret``, s3fs's endpoint). Moto's servers in
    one process share their buckets, so each test module names a bucket of its own."""
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="AKIDTESTBUCKET",
            aws_secret_access_key=secret,
        )
        client.create_bucket(Bucket=name)
        for key, body in objects.items():
            client.put_object(Bucket=name, Key=key, Body=body)
        yield {
            **os.environ,
            "AWS_ACCESS_KEY_ID": "AKIDTESTBUCKET",
            "AWS_SECRET_ACCESS_KEY": secret,
            "AWS_DEFAULT_REGION": "us-east-1",
            "FSSPEC_S3_ENDPOINT_URL": endpoint,
        }
    finally:
        server.stop()
