"""What an operator writes today: one VBS list query signed with the official
huaweicloudsdkcore AK/SK signer and sent with requests. Used by benches/whole.sh.

Usage: HW_ACCESS_KEY=… HW_SECRET_KEY=… python3 python_list.py ENDPOINT PROJECT_ID LIMIT
"""

import os
import sys

import requests
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer


def main() -> int:
    endpoint, project, limit = sys.argv[1], sys.argv[2], sys.argv[3]
    schema, host = endpoint.split("://", 1)
    creds = BasicCredentials(os.environ["HW_ACCESS_KEY"], os.environ["HW_SECRET_KEY"], project)
    request = SdkRequest(
        method="GET",
        schema=schema,
        host=host,
        resource_path=f"/v2/{project}/os-vendor-backup-sharing/detail",
        query_params=[("limit", limit)],
        header_params={"X-Project-Id": project},
        body="",
    )
    signed = Signer(creds).sign(request)
    response = requests.get(f"{endpoint}{signed.uri}", headers=signed.header_params, timeout=30)
    if response.status_code != 200:
        print(f"HTTP {response.status_code}: {response.text}", file=sys.stderr)
        return 1
    sys.stdout.write(response.text)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
