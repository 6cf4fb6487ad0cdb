//! The lean GeoJSON reader (`linli::read::lean`) reads exactly what the
//! geojson crate reads: the same features, ids, geometries and properties on
//! every valid layer, and nothing the geojson crate rejects.

use linli::read::layer::{parse_layer, parse_layer_geojson};
use linli::read::pieces::parse_collection;
use proptest::prelude::*;

fn same(text: &str) {
    let lean = parse_collection(text).expect("the lean reader reads it");
    let reference = parse_layer_geojson("x", text).expect("the geojson crate reads it");
    assert_eq!(lean, reference, "{text}");
}

#[test]
fn demo_layers_read_the_same() {
    for text in [
        include_str!("../../data/demo/buildings.geojson"),
        include_str!("../../data/demo/communities.geojson"),
        include_str!("../../data/demo/compounds.geojson"),
        include_str!("../../data/demo/facilities.geojson"),
        include_str!("../../data/demo/landmarks.geojson"),
        include_str!("../../data/demo/roads.geojson"),
        include_str!("../../data/demo/water.geojson"),
    ] {
        same(text);
    }
}

#[test]
fn every_geometry_type_and_member_reads_the_same() {
    same(
        r#"{"features":[
        {"geometry":{"coordinates":[[[0,0],[10,0],[10,10],[0,0]],[[1,1],[2,1],[2,2],[1,1]]],"type":"Polygon","bbox":[0,0,10,10]},
         "type":"Feature","id":7,"properties":{"households":12.5,"name":"a \"b\"","x":null,"l":[1,2],"o":{"k":1}}},
        {"type":"Feature","id":"s-1","properties":null,"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]}},
        {"type":"Feature","properties":{"id":3},"geometry":{"type":"LineString","coordinates":[[0,0,5],[1,1,6],[2,2]]}},
        {"type":"Feature","id":1.5,"properties":{"house\u0068olds":4},"geometry":{"type":"MultiLineString","coordinates":[[[0,0],[1,1]],[[2,2],[3,3]]]}},
        {"type":"Feature","properties":{},"geometry":{"type":"MultiPoint","coordinates":[[0,0],[1,1]]},"foreign":{"a":[1,{"b":2}]}},
        {"type":"Feature","properties":{"id":"p"},"geometry":{"type":"Point","coordinates":[120.5,-31.25]}},
        {"type":"Feature","properties":{},"geometry":{"type":"GeometryCollection","geometries":[
            {"type":"Point","coordinates":[1,2]},{"type":"LineString","coordinates":[[0,0],[1,0]]}]}}
        ],"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4326"}},"bbox":[0,0,1,1]}"#,
    );
    // Pretty-printed, with every kind of whitespace.
    same(
        "{ \"type\" : \"FeatureCollection\" ,\n\t\"features\" : [\r\n { \"type\": \"Feature\", \"properties\": { \"a\": 1 },\n \"geometry\": { \"type\": \"Point\", \"coordinates\": [ 1.0 , 2e0 ] } } ] }\n",
    );
    // An empty collection.
    same(r#"{"type":"FeatureCollection","features":[]}"#);
}

#[test]
fn what_the_lean_reader_declines_is_read_or_explained_as_before() {
    for text in [
        // Not a FeatureCollection.
        r#"{"type":"Feature","properties":{},"geometry":null}"#,
        r#"{"type":"Point","coordinates":[1,2]}"#,
        // A feature without geometry, or with empty coordinates.
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null}]}"#,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[]}}]}"#,
        // Coordinates that do not fit the type; a short point.
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[0,0],[1,1]]}}]}"#,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1]}}]}"#,
        // A bad id, no type, broken JSON.
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","id":[1],"properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#,
        r#"{"type":"FeatureCollection","features":[{"properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature""#,
    ] {
        assert!(parse_collection(text).is_none(), "{text}");
        let (a, b) = (parse_layer("x", text), parse_layer_geojson("x", text));
        match (a, b) {
            (Ok(a), Ok(b)) => assert_eq!(a, b),
            (Err(a), Err(b)) => assert_eq!(
                a.iter().map(ToString::to_string).collect::<Vec<_>>(),
                b.iter().map(ToString::to_string).collect::<Vec<_>>()
            ),
            (a, b) => panic!("{text}: {a:?} vs {b:?}"),
        }
    }
}

/// A random feature as JSON text.
fn feature() -> impl Strategy<Value = String> {
    let pos = (-180.0f64..180.0, -90.0f64..90.0).prop_map(|(x, y)| format!("[{x},{y}]"));
    let line = prop::collection::vec(pos.clone(), 2..6).prop_map(|v| format!("[{}]", v.join(",")));
    let ring = prop::collection::vec(pos.clone(), 3..6).prop_map(|v| {
        let first = v[0].clone();
        format!("[{},{first}]", v.join(","))
    });
    let polygon = prop::collection::vec(ring, 1..3).prop_map(|v| format!("[{}]", v.join(",")));
    let geometry = prop_oneof![
        pos.clone()
            .prop_map(|c| format!(r#"{{"type":"Point","coordinates":{c}}}"#)),
        line.clone()
            .prop_map(|c| format!(r#"{{"type":"LineString","coordinates":{c}}}"#)),
        polygon
            .clone()
            .prop_map(|c| format!(r#"{{"coordinates":{c},"type":"Polygon"}}"#)),
        prop::collection::vec(polygon, 1..3).prop_map(|v| format!(
            r#"{{"type":"MultiPolygon","coordinates":[{}]}}"#,
            v.join(",")
        )),
        prop::collection::vec(line, 1..3).prop_map(|v| format!(
            r#"{{"type":"MultiLineString","coordinates":[{}]}}"#,
            v.join(",")
        )),
    ];
    let value = prop_oneof![
        (0u32..1000).prop_map(|v| v.to_string()),
        (-1e6f64..1e6).prop_map(|v| v.to_string()),
        "[a-z ]{0,8}".prop_map(|s| format!("{s:?}")),
        Just("null".to_string()),
        Just("true".to_string()),
        Just("[1,\"x\"]".to_string()),
    ];
    let props = prop::collection::vec(
        ("(id|households|use|levels|kind|name|[a-z]{1,5})", value),
        0..5,
    )
    .prop_map(|kv| {
        // Each name once: a repeated one is declined (see below).
        let mut seen = std::collections::HashSet::new();
        let body: Vec<String> = kv
            .iter()
            .filter(|(k, _)| seen.insert(k.clone()))
            .map(|(k, v)| format!("{k:?}:{v}"))
            .collect();
        format!("{{{}}}", body.join(","))
    });
    let id = prop_oneof![
        Just(String::new()),
        (0u32..100).prop_map(|v| format!(r#""id":{v},"#)),
        "[a-z0-9]{1,4}".prop_map(|s| format!(r#""id":{s:?},"#)),
    ];
    (geometry, props, id, any::<bool>()).prop_map(|(g, p, id, geometry_first)| {
        if geometry_first {
            format!(r#"{{"geometry":{g},{id}"properties":{p},"type":"Feature"}}"#)
        } else {
            format!(r#"{{"type":"Feature",{id}"properties":{p},"geometry":{g}}}"#)
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Random layers read the same; and any mangling of them is either read
    /// the same by both readers or declined by the lean one.
    #[test]
    fn random_layers_read_the_same(
        features in prop::collection::vec(feature(), 0..12),
        pretty in any::<bool>(),
        cut in any::<prop::sample::Index>(),
        junk in "[\\[\\]{},:\"a0-9 ]{0,3}",
    ) {
        let sep = if pretty { ",\n" } else { "," };
        let text = format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(sep));
        same(&text);
        // Mangled: a few characters replaced somewhere.
        let at = cut.index(text.len());
        if text.is_char_boundary(at) {
            let end = (at + junk.len()).min(text.len());
            if text.is_char_boundary(end) {
                let mangled = format!("{}{junk}{}", &text[..at], &text[end..]);
                if let Some(lean) = parse_collection(&mangled) {
                    prop_assert_eq!(Ok(lean), parse_layer_geojson("x", &mangled).map_err(|p| p.len()));
                }
            }
        }
    }
}

/// A valid layer of `features`, with `sep` between them and members after
/// the array too.
fn layer(features: &[String], sep: &str) -> String {
    format!(
        r#"{{"type":"FeatureCollection","name":"x","features":[{}],"bbox":[0,0,1,1],"crs":{{"type":"name","properties":{{"name":"EPSG:4326"}}}}}}"#,
        features.join(sep)
    )
}

/// Property values that look like the place between two features.
fn tricky_feature() -> impl Strategy<Value = String> {
    let text = prop_oneof![
        Just(r#""},{""#),
        Just(r#""}, {\"type\":\"Feature\",\"properties\":{},\"geometry\":null}, {""#),
        Just(r#""]}, {""#),
        Just(r#"[{"a":1},{"b":2}]"#),
        Just(r#"{"o":{"p":1},"q":{"r":2}}"#),
    ];
    (text, 0u32..500).prop_map(|(t, h)| {
        format!(
            r#"{{"type":"Feature","properties":{{"trick":{t},"households":{h}}},"geometry":{{"type":"Point","coordinates":[1,2]}}}}"#
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Parsed in pieces, a layer gives the features of the whole parse or
    /// nothing (and then the whole parse decides); cuts inside strings and
    /// nested objects never give different features.
    #[test]
    fn layers_parsed_in_pieces_are_parsed_whole(
        plain in prop::collection::vec(feature(), 1..40),
        tricky in prop::collection::vec(tricky_feature(), 0..6),
        pretty in any::<bool>(),
        cut in any::<prop::sample::Index>(),
        junk in "[\\[\\]{},:\"a0-9 ]{0,3}",
    ) {
        use linli::read::lean::parse_whole;
        use linli::read::pieces::parse_in_pieces;
        let mut features = plain.clone();
        for (k, t) in tricky.iter().enumerate() {
            features.insert((k * 7) % (features.len() + 1), t.clone());
        }
        let sep = if pretty { ",\n  " } else { "," };
        for text in [layer(&plain, sep), layer(&features, sep)] {
            let whole = parse_whole(&text, None);
            prop_assert!(whole.is_some());
            if let Some(p) = parse_in_pieces(&text, None) {
                prop_assert_eq!(Some(p), whole);
            }
            // Mangled: still the whole parse's features, or nothing.
            let at = cut.index(text.len());
            let end = (at + junk.len()).min(text.len());
            let mangled = format!("{}{junk}{}", &text[..at], &text[end..]);
            if let Some(p) = parse_in_pieces(&mangled, None) {
                prop_assert_eq!(Some(p), parse_whole(&mangled, None));
            }
        }
        // Plain features (no tricky strings) are always cut where the pieces
        // meet, so the pieces are used.
        let text = layer(&plain, sep);
        prop_assert!(parse_in_pieces(&text, None).is_some());
    }
}

#[test]
fn a_second_features_array_is_left_to_the_geojson_crate() {
    let f = r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}"#;
    let text =
        format!(r#"{{"type":"FeatureCollection","features":[{f},{f},{f}],"features":[{f}]}}"#);
    assert!(linli::read::lean::parse_whole(&text, None).is_none());
    assert!(linli::read::pieces::parse_in_pieces(&text, None).is_none());
}

#[test]
fn a_large_layer_is_read_in_pieces_as_the_geojson_crate_reads_it() {
    // Over 2 MiB, so parse_collection takes the pieces.
    let features: Vec<String> = (0..12_000)
        .map(|i| {
            format!(
                r#"{{"type":"Feature","id":{i},"properties":{{"households":{},"name":"b{i}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{x2},{y}],[{x2},{y2}],[{x},{y}]]]}}}}"#,
                i % 97,
                x = 120.0 + i as f64 * 1e-4,
                y = 31.0 + (i % 50) as f64 * 1e-4,
                x2 = 120.00005 + i as f64 * 1e-4,
                y2 = 31.00005 + (i % 50) as f64 * 1e-4,
            )
        })
        .collect();
    let text = layer(&features, ",\n");
    assert!(text.len() > linli::read::pieces::PIECES_FROM_BYTES);
    let pieces = linli::read::pieces::parse_in_pieces(&text, None).expect("cut and read");
    assert_eq!(pieces.len(), 12_000);
    same(&text);
}

#[test]
fn a_name_repeated_in_one_object_is_declined_and_named() {
    let f = |props: &str, geometry: &str| {
        format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{}},"geometry":{{"type":"Point","coordinates":[1,2]}}}},{{"type":"Feature","properties":{props},"geometry":{geometry}}}]}}"#
        )
    };
    let point = r#"{"type":"Point","coordinates":[1,2]}"#;
    for (text, name) in [
        (f(r#"{"use":"a","use":"b"}"#, point), "use"),
        (f(r#"{"id":1,"id":2}"#, point), "id"),
        (
            f(
                "{}",
                r#"{"type":"Point","coordinates":[1,2],"coordinates":[3,4]}"#,
            ),
            "coordinates",
        ),
    ] {
        assert!(parse_collection(&text).is_none(), "{text}");
        assert!(linli::read::lean::parse_whole(&text, None).is_none());
        assert_eq!(
            linli::read::lean::repeated_name(&text, None),
            Some((1, name.to_string()))
        );
        let e = parse_layer("x", &text).unwrap_err();
        assert_eq!(e[0].feature, Some(1), "{e:?}");
        assert!(e[0].what.contains(&format!("has {name:?} twice")), "{e:?}");
    }
    // A repeated name the reader does not keep is none of its business.
    let text = f(r#"{"roof":"a","roof":"b","households":3}"#, point);
    assert!(linli::read::layer::parse_layer_keeping("x", &text, Some(&["households"])).is_ok());
}
