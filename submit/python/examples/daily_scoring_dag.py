"""Daily batch scoring with LakeBatch: each day's partition of ``events`` scored into ``scores``.

The connection ``lakebatch_default`` names the server and holds a tenant's token, e.g.::

    airflow connections add lakebatch_default --conn-type lakebatch \\
        --conn-host http://lakebatch:8420 --conn-password lbt_...

``{{ ds }}`` makes each run score only its own day; the operator's default Idempotency-Key
(dag, task and logical date) makes an Airflow retry reattach to that day's job instead of
scoring the day twice. The job waits in the triggerer (``deferrable=True``), so no worker slot
is held while Spark works.
"""

from __future__ import annotations

from datetime import datetime, timedelta

try:  # Airflow 3
    from airflow.sdk import DAG
except ImportError:  # Airflow 2
    from airflow import DAG

from lakebatch_airflow.operators.lakebatch import LakeBatchSubmitJobOperator
from lakebatch_airflow.sensors.lakebatch import LakeBatchJobSensor

SPEC = {
    "name": "daily-scoring",
    "priority": "normal",
    "model": {
        "path": "/data/models/churn/mlp.onnx",
        "inputs": {"features": ["f0", "f1", "f2", "f3"]},
        "outputs": {"score": "score"},
    },
    "input": {
        "format": "delta",
        "path": "/data/lake/events",
        "filter": "dt = '{{ ds }}'",
        "carry": ["id", "dt"],
    },
    "output": {"path": "/data/lake/scores/dt={{ ds }}"},
    "execution": {"batch-size": 1024, "rows-per-chunk": 1000000},
    "resources": {"executors": 4, "executor-cores": 4, "executor-memory": "8g"},
}

with DAG(
    dag_id="lakebatch_daily_scoring",
    start_date=datetime(2026, 12, 1),
    schedule="@daily",
    catchup=False,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
    tags=["lakebatch", "scoring"],
) as dag:
    score = LakeBatchSubmitJobOperator(
        task_id="score",
        spec=SPEC,
        deferrable=True,
        poll_interval=30,
        wait_timeout=6 * 3600,
    )

    # Another DAG (or a downstream team) can wait on the same job through its XCom'd id.
    scored = LakeBatchJobSensor(
        task_id="scored",
        job_id="{{ ti.xcom_pull(task_ids='score', key='job_id') }}",
        poke_interval=60,
        mode="reschedule",
    )

    score >> scored
