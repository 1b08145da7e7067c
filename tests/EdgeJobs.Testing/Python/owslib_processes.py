#!/usr/bin/python3
"""Drives EdgeJobs' /ogcapi with OWSLib, as a geospatial client would.

Environment: OGCAPI_URL (http://host:port/ogcapi/), OGCAPI_TOKEN (a bearer token with jobs:read and jobs:write),
PROCESS (a process id), INPUTS (a JSON object of its inputs), RESULT_FILE (where the result's file is written).
OWSLib's Processes lists and describes processes; Debian's OWSLib (0.27) has no execute, so the execute, the polling and
the download go through OWSLib's own HTTP helpers (owslib.util), with the same headers.
Prints a JSON summary on stdout; exits non-zero on any failure.
"""
import json
import os
import sys
import time

from owslib.ogcapi.processes import Processes
from owslib.util import http_get, http_post


def main():
    url = os.environ["OGCAPI_URL"]
    headers = {"Authorization": "Bearer " + os.environ["OGCAPI_TOKEN"], "Accept": "application/json"}
    process_id = os.environ["PROCESS"]
    api = Processes(url, headers=headers)
    summary = {
        "landing_links": sorted(link["rel"] for link in api.links),
        "conformance": api.conformance()["conformsTo"],
        "processes": [p["id"] for p in api.processes()["processes"]],
    }
    description = api.process(process_id)
    summary["inputs"] = sorted(description["inputs"])
    summary["outputs"] = sorted(description["outputs"])

    execute = {"inputs": json.loads(os.environ["INPUTS"])}
    created = http_post(url + "processes/" + process_id + "/execution", request=execute,
                        headers={**headers, "Prefer": "respond-async"}, timeout=30)
    if created.status_code != 201:
        sys.exit(f"execute answered {created.status_code}: {created.text}")
    location = created.headers["Location"]
    summary["preference_applied"] = created.headers.get("Preference-Applied")
    statuses = [created.json()["status"]]
    deadline = time.monotonic() + 120
    while statuses[-1] in ("accepted", "running"):
        if time.monotonic() > deadline:
            sys.exit(f"job still {statuses[-1]} after 120 s")
        time.sleep(0.2)
        status = http_get(location, headers=headers)
        status.raise_for_status()
        statuses.append(status.json()["status"])
    summary["statuses"] = [s for i, s in enumerate(statuses) if i == 0 or s != statuses[i - 1]]
    summary["job_id"] = status.json()["jobID"] if len(statuses) > 1 else created.json()["jobID"]
    if statuses[-1] != "successful":
        sys.exit(f"job ended {statuses[-1]}: {status.text}")

    results_link = next(link["href"] for link in status.json()["links"] if link["rel"].endswith("/results"))
    results = http_get(results_link, headers=headers)
    results.raise_for_status()
    result = results.json()["result"]
    summary["result_type"] = result["type"]
    download = http_get(result["href"], headers=headers)
    download.raise_for_status()
    with open(os.environ["RESULT_FILE"], "wb") as f:
        f.write(download.content)
    summary["result_bytes"] = len(download.content)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
