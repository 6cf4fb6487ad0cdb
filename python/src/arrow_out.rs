//! A layer linli wrote (GeoJSON in an output folder) → one Arrow record
//! batch, exported over the Arrow C stream interface: a `geometry` column
//! of WKB (GeoArrow `geoarrow.wkb`, EPSG:4326) and one column per property,
//! typed by its values.

use arrow_array::builder::{
    BinaryBuilder, BooleanBuilder, Float64Builder, Int64Builder, StringBuilder,
};
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{ArrayRef, RecordBatch, RecordBatchIterator};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use geozero::{CoordDimensions, ToWkb};
use linli::error::Error;
use linli::read::feature::RawFeature;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// A table held in memory, readable by pyarrow, GeoPandas, polars, … over
/// `__arrow_c_stream__`.
#[pyclass(frozen, module = "linli._native")]
pub struct ArrowLayer {
    schema: SchemaRef,
    batch: RecordBatch,
}

#[pymethods]
impl ArrowLayer {
    /// The Arrow PyCapsule interface: a stream of the table's one batch
    /// (`requested_schema` is not honoured: the schema is the table's).
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let batches = vec![Ok::<_, ArrowError>(self.batch.clone())];
        let reader = RecordBatchIterator::new(batches, self.schema.clone());
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new(py, stream, Some(c"arrow_array_stream".to_owned()))
    }

    /// Rows.
    fn __len__(&self) -> usize {
        self.batch.num_rows()
    }

    /// Column names, geometry last.
    #[getter]
    fn columns(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "<ArrowLayer: {} rows, columns {}>",
            self.batch.num_rows(),
            self.columns().join(", ")
        )
    }
}

/// Reads the GeoJSON layer `path` (a file linli wrote) with linli's own
/// reader into an Arrow table (the GIL is released while it reads).
#[pyfunction]
pub fn read_layer(py: Python<'_>, path: std::path::PathBuf) -> PyResult<ArrowLayer> {
    py.detach(|| layer_of_file(&path))
        .map_err(|e| crate::errors::to_py(py, e))
}

/// The table of the GeoJSON file `path`.
fn layer_of_file(path: &std::path::Path) -> Result<ArrowLayer, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let label = path.display().to_string();
    let features =
        linli::read::layer::parse_layer_keeping(&label, &text, None).map_err(Error::Input)?;
    drop(text);
    table(&features).map_err(|what| crate::errors::input_problem(&label, None, what))
}

/// The Arrow table of `features`.
fn table(features: &[RawFeature]) -> Result<ArrowLayer, String> {
    let mut fields = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    for name in property_names(features) {
        let (kind, array) = property_column(features, &name);
        fields.push(Field::new(name, kind, true));
        columns.push(array);
    }
    // Last, as GeoPandas' read_file puts it.
    fields.push(geometry_field());
    columns.push(wkb_column(features)?);
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), columns).map_err(|e| e.to_string())?;
    Ok(ArrowLayer { schema, batch })
}

/// The geometry field: WKB with the GeoArrow extension type and its CRS.
fn geometry_field() -> Field {
    let meta = HashMap::from([
        (
            "ARROW:extension:name".to_string(),
            "geoarrow.wkb".to_string(),
        ),
        (
            "ARROW:extension:metadata".to_string(),
            r#"{"crs":"EPSG:4326","crs_type":"authority_code"}"#.to_string(),
        ),
    ]);
    Field::new("geometry", DataType::Binary, true).with_metadata(meta)
}

/// Every feature's geometry as WKB.
fn wkb_column(features: &[RawFeature]) -> Result<ArrayRef, String> {
    let mut b = BinaryBuilder::with_capacity(features.len(), features.len() * 200);
    for f in features {
        let g: geo::Geometry<f64> = (&f.geometry)
            .try_into()
            .map_err(|e| format!("feature {}: {e}", f.index))?;
        let wkb = g
            .to_wkb(CoordDimensions::xy())
            .map_err(|e| format!("feature {}: {e}", f.index))?;
        b.append_value(wkb);
    }
    Ok(Arc::new(b.finish()))
}

/// The property names in the order first met (`id` first when the
/// features' ids are not among their properties).
fn property_names(features: &[RawFeature]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let id_apart = features
        .iter()
        .any(|f| f.id.is_some() && f.properties.get("id").is_none());
    if id_apart {
        seen.insert("id".to_string());
        names.push("id".to_string());
    }
    for f in features {
        for k in f.properties.keys() {
            if !seen.contains(k) {
                seen.insert(k.to_string());
                names.push(k.to_string());
            }
        }
    }
    names
}

/// The Arrow type a property's values share: whole numbers → Int64,
/// numbers → Float64, booleans → Boolean, text → Utf8; anything else or a
/// mix → Utf8 (text as it is, the rest as JSON).
fn kind_of<'a>(values: impl Iterator<Item = Option<&'a Value>>) -> DataType {
    let (mut int, mut num, mut boolean, mut text, mut other) = (0, 0, 0, 0, 0);
    for v in values.flatten() {
        match v {
            Value::Null => {}
            Value::Number(n) if n.is_i64() => int += 1,
            Value::Number(_) => num += 1,
            Value::Bool(_) => boolean += 1,
            Value::String(_) => text += 1,
            _ => other += 1,
        }
    }
    match (int + num > 0, boolean > 0, text + other > 0) {
        (true, false, false) if num == 0 => DataType::Int64,
        (true, false, false) => DataType::Float64,
        (false, true, false) => DataType::Boolean,
        _ => DataType::Utf8,
    }
}

/// Property `name` of every feature (the feature's id for `id` when it is
/// not a property), as a column.
fn property_column(features: &[RawFeature], name: &str) -> (DataType, ArrayRef) {
    let id_values: Vec<Option<Value>>;
    let values: Vec<Option<&Value>> =
        if name == "id" && features.iter().all(|f| f.properties.get("id").is_none()) {
            id_values = features
                .iter()
                .map(|f| f.id.clone().map(Value::String))
                .collect();
            id_values.iter().map(Option::as_ref).collect()
        } else {
            features.iter().map(|f| f.properties.get(name)).collect()
        };
    let kind = kind_of(values.iter().copied());
    let array: ArrayRef = match kind {
        DataType::Int64 => {
            let mut b = Int64Builder::with_capacity(values.len());
            values
                .iter()
                .for_each(|v| b.append_option(v.and_then(Value::as_i64)));
            Arc::new(b.finish())
        }
        DataType::Float64 => {
            let mut b = Float64Builder::with_capacity(values.len());
            values
                .iter()
                .for_each(|v| b.append_option(v.and_then(Value::as_f64)));
            Arc::new(b.finish())
        }
        DataType::Boolean => {
            let mut b = BooleanBuilder::with_capacity(values.len());
            values
                .iter()
                .for_each(|v| b.append_option(v.and_then(Value::as_bool)));
            Arc::new(b.finish())
        }
        _ => {
            let mut b = StringBuilder::new();
            for v in &values {
                match v {
                    None | Some(Value::Null) => b.append_null(),
                    Some(Value::String(s)) => b.append_value(s),
                    Some(other) => b.append_value(other.to_string()),
                }
            }
            Arc::new(b.finish())
        }
    };
    (kind, array)
}
