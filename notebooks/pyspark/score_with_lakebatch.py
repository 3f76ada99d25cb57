"""Score a Delta table with LakeBatch from PySpark: the SQL function, no Java code.

Not run here (PySpark is not installable on the machine this was written on); the same SQL is run by
notebooks' ZeppelinNoteTest and by tests' ReadmeExamplesTest. Run it with the runtime jar, which carries
the engine, ONNX Runtime and Delta:

    ./lakebatch --help >/dev/null   # builds submit/runtime/target/lakebatch-runtime-0.1.0-SNAPSHOT.jar
    spark-submit --jars submit/runtime/target/lakebatch-runtime-0.1.0-SNAPSHOT.jar \\
        notebooks/pyspark/score_with_lakebatch.py MODEL.onnx DELTA_TABLE [N_FEATURES]

(or `pyspark --jars ... --conf spark.sql.extensions=...` for an interactive shell). A registry reference
('churn@2') instead of a path needs spark.lakebatch.catalog.url (the catalog's JDBC URL) and the JDBC
catalog's jars on the driver.
"""
import sys

from pyspark.sql import SparkSession

model, table = sys.argv[1], sys.argv[2]
features = int(sys.argv[3]) if len(sys.argv) > 3 else 8

spark = (
    SparkSession.builder.appName("lakebatch-pyspark")
    # Delta's extension and LakeBatch's: lakebatch_predict becomes one batched mapPartitions
    .config(
        "spark.sql.extensions",
        "io.delta.sql.DeltaSparkSessionExtension,io.lakebatch.api.LakeBatchSqlExtensions",
    )
    .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
    .getOrCreate()
)

spark.read.format("delta").load(table).createOrReplaceTempView("orders")
columns = ", ".join(f"f{i}" for i in range(features))
scored = spark.sql(f"SELECT id, lakebatch_predict('{model}', {columns}) AS score FROM orders")
scored.show(10)

# lakebatch_predict is allowed in SELECT lists only: score in a subquery, then filter or group
spark.sql(
    f"""
    SELECT round(score, 1) AS bucket, count(*) AS n
    FROM (SELECT lakebatch_predict('{model}', {columns}) AS score FROM orders)
    WHERE score IS NOT NULL
    GROUP BY round(score, 1) ORDER BY bucket
    """
).show(50)
spark.stop()
