//! Layers handed in over the Arrow C stream interface (a GeoDataFrame's
//! `to_arrow`, a pyarrow Table, polars, geoarrow) → linli's
//! [`ForeignLayer`]: one [`RawFeature`] per row, its geometry from WKB and
//! every other column a property.

use arrow_array::cast::AsArray;
use arrow_array::ffi_stream::{ArrowArrayStreamReader, FFI_ArrowArrayStream};
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use geozero::ToGeo;
use linli::error::Error;
use linli::project::Crs;
use linli::read::feature::{Properties, RawFeature};
use linli::read::foreign::{ForeignLayer, feature, number};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use serde_json::Value;

/// Names a binary column may have to be taken as the WKB geometry when no
/// column carries the `geoarrow.wkb` extension type.
const GEOMETRY_NAMES: &[&str] = &["geometry", "geom", "wkb_geometry"];

/// A layer's stream, opened (the rows are read later, without the GIL).
pub struct OpenLayer {
    /// The GeoJSON name it stands for (`buildings.geojson`).
    pub name: String,
    /// How messages name it.
    pub label: String,
    reader: ArrowArrayStreamReader,
    geometry: usize,
    crs: Option<Crs>,
    /// Columns of JSON text, read back value by value.
    json: Vec<String>,
}

/// Opens `obj`'s Arrow C stream as layer `name`: finds its WKB geometry
/// column and its CRS (`crs` when given, else the geometry column's
/// GeoArrow metadata when `crs_from_metadata`, else none: lon/lat); the
/// text of the columns `json` is JSON.
pub fn open(
    obj: &Bound<'_, PyAny>,
    name: &str,
    label: &str,
    (crs, crs_from_metadata): (Option<&str>, bool),
    json: Vec<String>,
) -> PyResult<OpenLayer> {
    let stem = name.trim_end_matches(".geojson");
    if !obj.hasattr("__arrow_c_stream__")? {
        return Err(PyTypeError::new_err(format!(
            "layer {stem:?}: a {} is neither a GeoDataFrame nor an Arrow table (no __arrow_c_stream__)",
            obj.get_type().name()?
        )));
    }
    let capsule = obj.call_method0("__arrow_c_stream__")?;
    let capsule = capsule.cast::<PyCapsule>().map_err(|_| {
        PyTypeError::new_err(format!(
            "layer {stem:?}: __arrow_c_stream__ did not return a PyCapsule"
        ))
    })?;
    let ptr = capsule.pointer_checked(Some(c"arrow_array_stream"))?;
    // SAFETY: the capsule named "arrow_array_stream" holds an
    // FFI_ArrowArrayStream (the Arrow PyCapsule interface); from_raw moves
    // it out and leaves a released one for the capsule's destructor.
    let reader =
        unsafe { ArrowArrayStreamReader::from_raw(ptr.as_ptr().cast::<FFI_ArrowArrayStream>()) }
            .map_err(|e| PyValueError::new_err(format!("layer {stem:?}: {e}")))?;
    let schema = arrow_array::RecordBatchReader::schema(&reader);
    let geometry = geometry_column(&schema)
        .ok_or_else(|| PyValueError::new_err(no_geometry(stem, &schema)))?;
    let crs_text = match crs {
        Some(c) => Some(c.to_string()),
        None if crs_from_metadata => metadata_crs(schema.field(geometry))
            .map_err(|e| PyValueError::new_err(format!("layer {stem:?}: {e}")))?,
        None => None,
    };
    let crs = crs_text
        .map(|t| {
            t.parse::<Crs>()
                .map_err(|e| PyValueError::new_err(format!("layer {stem:?}: CRS {t:?}: {e}")))
        })
        .transpose()?;
    Ok(OpenLayer {
        name: name.to_string(),
        label: label.to_string(),
        reader,
        geometry,
        crs,
        json,
    })
}

/// The message for a stream without a geometry column.
fn no_geometry(stem: &str, schema: &Schema) -> String {
    let cols: Vec<String> = schema
        .fields()
        .iter()
        .map(|f| format!("{} ({})", f.name(), f.data_type()))
        .collect();
    format!(
        "layer {stem:?} has no WKB geometry column (a geoarrow.wkb column, or a binary column named geometry, geom or wkb_geometry); its columns: {}",
        cols.join(", ")
    )
}

/// The WKB geometry column: the first with the GeoArrow WKB extension
/// type, else the first binary column with a geometry's name.
fn geometry_column(schema: &Schema) -> Option<usize> {
    let binary = |f: &Field| {
        matches!(
            f.data_type(),
            DataType::Binary | DataType::LargeBinary | DataType::BinaryView
        )
    };
    let fields = schema.fields();
    fields
        .iter()
        .position(|f| {
            binary(f)
                && matches!(
                    f.metadata().get("ARROW:extension:name").map(String::as_str),
                    Some("geoarrow.wkb" | "ogc.wkb")
                )
        })
        .or_else(|| {
            fields
                .iter()
                .position(|f| binary(f) && GEOMETRY_NAMES.contains(&f.name().as_str()))
        })
}

/// The CRS in a GeoArrow field's metadata (`{"crs": …}`): a string as it
/// is, PROJJSON by its `id` (authority and code); none when absent.
fn metadata_crs(field: &Field) -> Result<Option<String>, String> {
    let Some(meta) = field.metadata().get("ARROW:extension:metadata") else {
        return Ok(None);
    };
    let v: Value = serde_json::from_str(meta).map_err(|e| format!("GeoArrow metadata: {e}"))?;
    match v.get("crs") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(projjson) => {
            let id = projjson.get("id").ok_or_else(|| {
                "its CRS (PROJJSON) has no id: give the layer with an EPSG code (GeoDataFrame.to_crs)"
                    .to_string()
            })?;
            let auth = id.get("authority").and_then(Value::as_str).unwrap_or("");
            let code = match id.get("code") {
                Some(Value::String(s)) => s.clone(),
                Some(c) => c.to_string(),
                None => String::new(),
            };
            Ok(Some(format!("{auth}:{code}")))
        }
    }
}

impl OpenLayer {
    /// Reads every row (call without the GIL: a city's buildings are
    /// hundreds of thousands of rows).
    pub fn read(mut self) -> Result<(String, ForeignLayer), Error> {
        let batches: Result<Vec<RecordBatch>, _> = self.reader.by_ref().collect();
        let batches = batches.map_err(|e| self.problem(None, format!("cannot be read: {e}")))?;
        let mut features = Vec::with_capacity(batches.iter().map(RecordBatch::num_rows).sum());
        for batch in &batches {
            self.rows(batch, &mut features)?;
        }
        let layer = ForeignLayer {
            features,
            crs: self.crs,
        };
        Ok((self.name, layer))
    }

    /// The rows of one batch, numbered on from `out.len()`.
    fn rows(&self, batch: &RecordBatch, out: &mut Vec<RawFeature>) -> Result<(), Error> {
        let schema = batch.schema();
        let columns: Vec<(String, Column)> = schema
            .fields()
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != self.geometry)
            .map(|(i, f)| {
                let column = match Column::of(batch.column(i)) {
                    Ok(Column::Text(a)) if self.json.contains(f.name()) => Ok(Column::Json(a)),
                    c => c,
                };
                column
                    .map(|c| (f.name().clone(), c))
                    .map_err(|t| self.problem(None, format!("column {:?} has the Arrow type {t}, which linli cannot read: drop it or convert it to text or numbers", f.name())))
            })
            .collect::<Result<_, _>>()?;
        let geometry = batch.column(self.geometry);
        for row in 0..batch.num_rows() {
            let index = out.len();
            let mut properties = Properties::with_capacity(columns.len());
            for (name, col) in &columns {
                if let Some(v) = col.value(row) {
                    properties.insert(name.clone(), v);
                }
            }
            let geo = self.geometry_at(geometry, row).map_err(|what| {
                // The id as linli takes it from the properties.
                let empty = geo::Geometry::GeometryCollection(Default::default());
                let id = feature(index, &empty, properties.clone()).id;
                self.problem(Some((index, id)), what)
            })?;
            out.push(feature(index, &geo, properties));
        }
        Ok(())
    }

    /// Row `row`'s geometry, from its WKB.
    fn geometry_at(&self, col: &ArrayRef, row: usize) -> Result<geo::Geometry<f64>, String> {
        if col.is_null(row) {
            return Err("has no geometry (null)".into());
        }
        let bytes: &[u8] = match col.data_type() {
            DataType::Binary => col.as_binary::<i32>().value(row),
            DataType::LargeBinary => col.as_binary::<i64>().value(row),
            _ => col.as_binary_view().value(row),
        };
        geozero::wkb::Wkb(bytes)
            .to_geo()
            .map_err(|e| format!("its geometry is not valid WKB ({e})"))
    }

    /// An input problem with this layer (or one of its rows).
    fn problem(&self, feature: Option<(usize, Option<String>)>, what: String) -> Error {
        crate::errors::input_problem(&self.label, feature, what)
    }
}

/// A property column, as read row by row.
enum Column {
    Int(Box<dyn Fn(usize) -> i64 + Send>, ArrayRef),
    UInt(Box<dyn Fn(usize) -> u64 + Send>, ArrayRef),
    Float(Box<dyn Fn(usize) -> f64 + Send>, ArrayRef),
    Bool(ArrayRef),
    Text(ArrayRef),
    /// Text holding a JSON value each (a column of mixed values).
    Json(ArrayRef),
    /// Dictionary-encoded (a pandas categorical): each row's key into the
    /// values.
    Dict(Vec<usize>, ArrayRef, Box<Column>),
    Null,
}

impl Column {
    /// The reader of an array; `Err` with its type when linli reads none.
    fn of(a: &ArrayRef) -> Result<Column, DataType> {
        macro_rules! prim {
            ($variant:ident, $t:ty, $cast:ty) => {{
                let arr = a.as_primitive::<$t>().clone();
                Column::$variant(Box::new(move |i| arr.value(i) as $cast), a.clone())
            }};
        }
        Ok(match a.data_type() {
            DataType::Int8 => prim!(Int, Int8Type, i64),
            DataType::Int16 => prim!(Int, Int16Type, i64),
            DataType::Int32 => prim!(Int, Int32Type, i64),
            DataType::Int64 => prim!(Int, Int64Type, i64),
            DataType::UInt8 => prim!(UInt, UInt8Type, u64),
            DataType::UInt16 => prim!(UInt, UInt16Type, u64),
            DataType::UInt32 => prim!(UInt, UInt32Type, u64),
            DataType::UInt64 => prim!(UInt, UInt64Type, u64),
            DataType::Float16 => {
                let arr = a.as_primitive::<Float16Type>().clone();
                Column::Float(Box::new(move |i| arr.value(i).to_f64()), a.clone())
            }
            DataType::Float32 => prim!(Float, Float32Type, f64),
            DataType::Float64 => prim!(Float, Float64Type, f64),
            DataType::Boolean => Column::Bool(a.clone()),
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Column::Text(a.clone()),
            DataType::Null => Column::Null,
            DataType::Dictionary(_, _) => {
                let d = a.as_any_dictionary();
                let values = d.values().clone();
                let inner = Column::of(&values)?;
                Column::Dict(d.normalized_keys(), a.clone(), Box::new(inner))
            }
            t => return Err(t.clone()),
        })
    }

    /// Row `i` as JSON; `None` for a null (the property is absent, as in
    /// a GeoJSON feature without it) or NaN.
    fn value(&self, i: usize) -> Option<Value> {
        let valid = |a: &ArrayRef| a.is_valid(i);
        match self {
            Column::Int(f, a) => valid(a).then(|| Value::from(f(i))),
            Column::UInt(f, a) => valid(a).then(|| Value::from(f(i))),
            Column::Float(f, a) => valid(a).then(|| number(f(i))).flatten(),
            Column::Bool(a) => valid(a).then(|| Value::Bool(a.as_boolean().value(i))),
            Column::Text(a) => valid(a).then(|| Value::String(text_at(a, i).to_string())),
            Column::Json(a) => valid(a).then(|| {
                let t = text_at(a, i);
                serde_json::from_str(t).unwrap_or_else(|_| Value::String(t.to_string()))
            }),
            Column::Dict(keys, a, inner) => valid(a).then(|| inner.value(keys[i])).flatten(),
            Column::Null => None,
        }
    }
}

/// Row `i` of a string array of any offset width.
fn text_at(a: &ArrayRef, i: usize) -> &str {
    match a.data_type() {
        DataType::Utf8 => a.as_string::<i32>().value(i),
        DataType::LargeUtf8 => a.as_string::<i64>().value(i),
        _ => a.as_string_view().value(i),
    }
}
