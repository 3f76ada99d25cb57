"""TEST STAND-IN for Apache Airflow — not Airflow, and not shipped with the provider.

``tests/conftest.py`` puts this folder on ``sys.path`` only when the real ``airflow`` is not
installed, so the provider's tests can run its operator, sensor, hook and trigger against a real
LakeBatch server. It implements just what the provider touches, with Airflow's names and
signatures: ``BaseOperator`` (``defer``, ``render_template``, ``log``), ``BaseSensorOperator``,
``BaseHook.get_connection`` (from ``AIRFLOW_CONN_<ID>`` JSON, as Airflow reads it), ``Connection``,
``BaseTrigger``/``TriggerEvent``, ``AirflowException``/``TaskDeferred`` and a ``DAG`` that collects
its tasks.
"""

from airflow.models.dag import DAG

__version__ = "0.0.0+test-stand-in"
__all__ = ["DAG"]
