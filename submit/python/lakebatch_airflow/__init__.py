"""An Apache Airflow provider for the LakeBatch job server.

``LakeBatchHook`` (connection type ``lakebatch``), ``LakeBatchSubmitJobOperator`` (submit a job,
optionally wait or defer until it ends), ``LakeBatchJobTrigger`` (polls a job in the triggerer) and
``LakeBatchJobSensor``. Importing this package needs no Airflow; its submodules do.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def get_provider_info() -> dict[str, Any]:
    """What Airflow's provider manager reads (entry point ``apache_airflow_provider``)."""
    return {
        "package-name": "lakebatch-client",
        "name": "LakeBatch",
        "description": "Submit and watch LakeBatch batch-inference jobs.",
        "versions": [__version__],
        "connection-types": [
            {
                "connection-type": "lakebatch",
                "hook-class-name": "lakebatch_airflow.hooks.lakebatch.LakeBatchHook",
            }
        ],
        "hooks": [
            {
                "integration-name": "LakeBatch",
                "python-modules": ["lakebatch_airflow.hooks.lakebatch"],
            }
        ],
        "operators": [
            {
                "integration-name": "LakeBatch",
                "python-modules": ["lakebatch_airflow.operators.lakebatch"],
            }
        ],
        "sensors": [
            {
                "integration-name": "LakeBatch",
                "python-modules": ["lakebatch_airflow.sensors.lakebatch"],
            }
        ],
        "triggers": [
            {
                "integration-name": "LakeBatch",
                "python-modules": ["lakebatch_airflow.triggers.lakebatch"],
            }
        ],
    }
