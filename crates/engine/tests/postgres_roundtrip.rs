//! PostgreSQL introspection and DDL rendering against the real server: a schema using every
//! object kind of the model survives inspect → render → apply to an empty database → inspect.

use dbwarden_core::render::{schema_ddl, schema_statements};
use dbwarden_core::{
    ForeignKeyAction, Generated, Identity, IndexKey, QualifiedName, Schema, Table,
};
use dbwarden_engine::{Engine, Value};
use dbwarden_testkit::{Server, test_db};

/// Runs as one simple-query batch, which PostgreSQL accepts with many statements.
const RICH_FIXTURE: &str = include_str!("fixtures/postgres/rich.sql");

async fn introspect(engine: &mut Box<dyn Engine>) -> Schema {
    engine
        .introspect()
        .await
        .unwrap_or_else(|e| panic!("introspection failed: {e}"))
}

async fn search_path(engine: &mut Box<dyn Engine>) -> Value {
    let rows = engine
        .query("SELECT current_setting('search_path')", &[])
        .await
        .unwrap_or_else(|e| panic!("cannot read search_path: {e}"));
    rows[0][0].clone()
}

fn table<'s>(schema: &'s Schema, namespace: &str, name: &str) -> &'s Table {
    schema
        .table(&QualifiedName::new(namespace, name))
        .unwrap_or_else(|| panic!("table {namespace}.{name} is missing from the model"))
}

#[tokio::test]
async fn rich_schema_round_trips_through_rendered_ddl() {
    let source = test_db!(Server::Postgres);
    let mut source_engine = source.connect().await;
    source_engine
        .execute(RICH_FIXTURE)
        .await
        .unwrap_or_else(|e| panic!("the fixture does not apply: {e}"));
    let model = introspect(&mut source_engine).await;
    assert_fixture_is_fully_modeled(&model);

    // Expressions are printed with names qualified, so another search_path changes nothing,
    // and introspection leaves the session's own setting as it found it.
    source_engine
        .execute("SET search_path TO app, \"Audit Trail\", public")
        .await
        .unwrap_or_else(|e| panic!("cannot set search_path: {e}"));
    let with_other_search_path = introspect(&mut source_engine).await;
    assert_eq!(
        format!("{with_other_search_path:#?}"),
        format!("{model:#?}")
    );
    assert_eq!(
        search_path(&mut source_engine).await,
        Value::Text("app, \"Audit Trail\", public".into())
    );

    let target = test_db!(Server::Postgres);
    let mut target_engine = target.connect().await;
    let ddl = schema_ddl(&model);
    for statement in schema_statements(&model) {
        if let Err(e) = target_engine.execute(&statement).await {
            panic!("rendered statement fails: {e}\n{statement}\n\nwhole DDL:\n{ddl}");
        }
    }
    let round_tripped = introspect(&mut target_engine).await;
    assert_eq!(
        format!("{round_tripped:#?}"),
        format!("{model:#?}"),
        "the model changed on the way through this DDL:\n{ddl}"
    );
    assert_eq!(round_tripped, model);
}

/// Guards the round trip against passing on a model that lost things on both sides.
fn assert_fixture_is_fully_modeled(model: &Schema) {
    let namespaces: Vec<(&str, Option<&str>)> = model
        .namespaces
        .iter()
        .map(|n| (n.name.as_str(), n.comment.as_deref()))
        .collect();
    assert_eq!(
        namespaces,
        [
            ("Audit Trail", None),
            ("app", Some("Application objects")),
            (
                "public",
                Some("Shared objects, with a comment that is not the default")
            ),
        ]
    );

    assert_eq!(model.enums.len(), 1);
    assert_eq!(
        model.enums[0].name,
        QualifiedName::new("app", "order_status")
    );
    assert_eq!(
        model.enums[0].values,
        ["pending", "paid", "shipped", "refunded", "cancelled"]
    );
    assert_eq!(
        model.enums[0].comment.as_deref(),
        Some("Where an order is in its life")
    );

    // Identity sequences and the one of dbwarden's own table are not listed.
    let sequences: Vec<String> = model.sequences.iter().map(|s| s.name.to_string()).collect();
    assert_eq!(
        sequences,
        [
            "app.invoice_number",
            "app.orders_id_seq",
            "public.countdown"
        ]
    );
    let invoice = &model.sequences[0];
    assert_eq!(
        (
            invoice.data_type.as_str(),
            invoice.start,
            invoice.increment,
            invoice.min_value,
            invoice.max_value,
            invoice.cache,
            invoice.cycle
        ),
        ("integer", 1000, 5, 100, 1_000_000, 10, true)
    );
    assert_eq!(
        model.sequences[1].owned_by,
        Some((QualifiedName::new("app", "orders"), "id".to_owned()))
    );

    let tables: Vec<String> = model.tables.iter().map(|t| t.name.to_string()).collect();
    assert_eq!(
        tables,
        [
            "Audit Trail.EventLog",
            "app.customers",
            "app.order_lines",
            "app.orders",
            "public.settings"
        ],
        "dbwarden_* tables are dbwarden's own and must not be listed"
    );

    let customers = table(model, "app", "customers");
    let column = |table: &Table, name: &str| {
        table
            .column(name)
            .unwrap_or_else(|| panic!("{}.{name} is missing", table.name))
            .clone()
    };
    assert_eq!(column(customers, "id").identity, Some(Identity::Always));
    assert_eq!(
        column(customers, "Display Name").collation.as_deref(),
        Some("\"C\"")
    );
    assert_eq!(column(customers, "email").collation, None);
    assert_eq!(
        column(customers, "created_at").default.as_deref(),
        Some("now()")
    );
    assert_eq!(
        column(customers, "email").comment.as_deref(),
        Some("Login and contact address, it's unique ignoring case")
    );
    assert_eq!(customers.comment.as_deref(), Some("People who buy things"));
    assert_eq!(
        customers.foreign_keys[0].referenced_table,
        QualifiedName::new("app", "customers")
    );
    let index = |table: &Table, name: &str| {
        table
            .indexes
            .iter()
            .find(|i| i.name == name)
            .unwrap_or_else(|| panic!("index {name} is missing"))
            .clone()
    };
    let email_lower = index(customers, "customers_email_lower");
    assert!(email_lower.unique);
    assert_eq!(
        email_lower.parts[0].key,
        IndexKey::Expression("lower(email)".into())
    );
    assert_eq!(
        index(customers, "customers_tags").method.as_deref(),
        Some("gin")
    );
    let recent = index(customers, "customers_recent");
    assert!(recent.parts[0].descending && !recent.parts[1].descending);
    assert_eq!(recent.comment.as_deref(), Some("Newest customers first"));

    let orders = table(model, "app", "orders");
    assert_eq!(
        column(orders, "status").default.as_deref(),
        Some("'pending'::app.order_status")
    );
    assert_eq!(
        column(orders, "id").default.as_deref(),
        Some("nextval('app.orders_id_seq'::regclass)")
    );
    assert_eq!(
        column(orders, "total").generated,
        Some(Generated {
            expression: "(quantity::numeric * unit_price)".into(),
            stored: true
        })
    );
    assert_eq!(column(orders, "total").default, None);
    let quantity_check = orders
        .checks
        .iter()
        .find(|c| c.name.as_deref() == Some("orders_quantity_positive"))
        .unwrap_or_else(|| panic!("check orders_quantity_positive is missing"));
    assert_eq!(quantity_check.expression, "quantity > 0");
    let pending = index(orders, "orders_pending");
    assert_eq!(
        pending.predicate.as_deref(),
        Some("status = 'pending'::app.order_status")
    );
    assert_eq!(
        index(orders, "orders_status_hash").method.as_deref(),
        Some("hash")
    );

    let lines = table(model, "app", "order_lines");
    assert_eq!(
        lines.primary_key.as_ref().map(|pk| pk.columns.clone()),
        Some(vec!["order_id".to_owned(), "line_no".to_owned()])
    );
    assert_eq!(lines.uniques[0].columns, ["order_id", "sku"]);

    let events = table(model, "Audit Trail", "EventLog");
    assert_eq!(
        column(events, "Event Id").identity,
        Some(Identity::ByDefault)
    );
    assert_eq!(
        column(events, "event time").comment.as_deref(),
        Some("When it happened")
    );
    let order_fk = &events.foreign_keys[0];
    assert_eq!(order_fk.name.as_deref(), Some("EventLog_order_fk"));
    assert_eq!(
        order_fk.referenced_table,
        QualifiedName::new("app", "orders")
    );
    assert_eq!(
        (order_fk.on_delete, order_fk.on_update),
        (ForeignKeyAction::Cascade, ForeignKeyAction::SetNull)
    );

    // pg_buffercache's view belongs to the extension.
    let views: Vec<String> = model.views.iter().map(|v| v.name.to_string()).collect();
    assert_eq!(views, ["app.customer_totals", "public.big_spenders"]);
    assert_eq!(
        model.views[1].depends_on,
        [QualifiedName::new("app", "customer_totals")]
    );
    assert_eq!(
        model.views[0].comment.as_deref(),
        Some("Money spent per customer")
    );
    assert!(!model.views[0].definition.ends_with(';'));
}

#[tokio::test]
async fn empty_database_gives_an_empty_model() {
    let db = test_db!(Server::Postgres);
    let mut engine = db.connect().await;
    let model = introspect(&mut engine).await;
    assert_eq!(model, Schema::empty(dbwarden_core::Dialect::Postgres));
    assert!(schema_statements(&model).is_empty());
}

#[tokio::test]
async fn public_without_any_comment_round_trips() {
    let source = test_db!(Server::Postgres);
    let mut source_engine = source.connect().await;
    source_engine
        .execute("COMMENT ON SCHEMA public IS NULL")
        .await
        .unwrap_or_else(|e| panic!("cannot drop the comment: {e}"));
    let model = introspect(&mut source_engine).await;
    assert_eq!(model.namespaces.len(), 1);
    assert_eq!(model.namespaces[0].comment, None);

    let target = test_db!(Server::Postgres);
    let mut target_engine = target.connect().await;
    for statement in schema_statements(&model) {
        if let Err(e) = target_engine.execute(&statement).await {
            panic!("rendered statement fails: {e}\n{statement}");
        }
    }
    assert_eq!(introspect(&mut target_engine).await, model);
}

/// The same query text on one connection, before and after a column changes type, reads the
/// new type (a cached prepared statement would fail: "cached plan must not change result
/// type").
#[tokio::test]
async fn the_same_query_reads_a_retyped_column() {
    let db = test_db!(Server::Postgres);
    let mut engine = db.connect().await;
    let run = async |engine: &mut Box<dyn Engine>, sql: &str| {
        engine
            .execute(sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    };
    run(&mut engine, "CREATE TABLE t (v integer)").await;
    run(&mut engine, "INSERT INTO t VALUES (7)").await;
    let read = "SELECT v FROM t";
    let before = engine.query(read, &[]).await.expect("first read");
    assert_eq!(before, vec![vec![Value::Int(7)]]);
    run(&mut engine, "ALTER TABLE t ALTER COLUMN v TYPE text").await;
    let after = engine
        .query(read, &[])
        .await
        .expect("read after the type change");
    assert_eq!(after, vec![vec![Value::Text("7".into())]]);
}
