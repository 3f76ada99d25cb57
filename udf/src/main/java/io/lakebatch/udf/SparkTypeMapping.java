package io.lakebatch.udf;

import io.lakebatch.catalog.model.ColumnType;
import io.lakebatch.catalog.model.ElementType;
import io.lakebatch.catalog.model.OutputColumn;
import io.lakebatch.catalog.model.TableColumn;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Maps between Spark SQL types and the element types models use. */
public final class SparkTypeMapping {
  private SparkTypeMapping() {}

  public static List<TableColumn> columns(StructType schema) {
    List<TableColumn> columns = new ArrayList<>();
    for (StructField field : schema.fields()) {
      columns.add(new TableColumn(field.name(), columnType(field.dataType())));
    }
    return columns;
  }

  public static ColumnType columnType(DataType type) {
    if (type instanceof ArrayType array) {
      return new ColumnType(elementType(array.elementType()), true, type.simpleString());
    }
    return new ColumnType(elementType(type), false, type.simpleString());
  }

  public static ElementType elementType(DataType type) {
    if (type == DataTypes.FloatType) {
      return ElementType.FLOAT;
    } else if (type == DataTypes.DoubleType) {
      return ElementType.DOUBLE;
    } else if (type == DataTypes.ByteType) {
      return ElementType.INT8;
    } else if (type == DataTypes.ShortType) {
      return ElementType.INT16;
    } else if (type == DataTypes.IntegerType) {
      return ElementType.INT32;
    } else if (type == DataTypes.LongType) {
      return ElementType.INT64;
    } else if (type == DataTypes.BooleanType) {
      return ElementType.BOOL;
    } else if (type == DataTypes.StringType) {
      return ElementType.STRING;
    }
    return ElementType.OTHER;
  }

  public static DataType dataType(ElementType type) {
    return switch (type) {
      case FLOAT -> DataTypes.FloatType;
      case DOUBLE -> DataTypes.DoubleType;
      case INT8 -> DataTypes.ByteType;
      case INT16 -> DataTypes.ShortType;
      case INT32 -> DataTypes.IntegerType;
      case INT64 -> DataTypes.LongType;
      case BOOL -> DataTypes.BooleanType;
      case STRING -> DataTypes.StringType;
      case OTHER -> throw new IllegalArgumentException("no Spark type for " + type);
    };
  }

  /** The Spark type of the column a model output becomes. */
  public static DataType dataType(OutputColumn output) {
    return switch (output.kind()) {
      case SCALAR -> dataType(output.element());
      case ARRAY -> DataTypes.createArrayType(dataType(output.element()), false);
      case MAP ->
          DataTypes.createMapType(dataType(output.mapKey()), dataType(output.element()), false);
    };
  }
}
