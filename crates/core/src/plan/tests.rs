//! Plans for hand-built schema pairs, compared as SQL text. Whether the engines accept the
//! SQL is for the integration tests against real servers.

use super::*;
use crate::diff::{RenameHints, diff};
use crate::{
    CheckConstraint, Column, EnumType, ForeignKey, ForeignKeyAction, Index, IndexKey, IndexPart,
    PrimaryKey, Table, UniqueConstraint,
};

fn plan_with(from: &Schema, to: &Schema, hints: &RenameHints) -> Plan {
    let mut from = from.clone();
    let mut to = to.clone();
    from.normalize();
    to.normalize();
    render_diff(&from, &to, &diff(&from, &to, hints)).expect("plannable")
}

fn plan(from: &Schema, to: &Schema) -> Plan {
    plan_with(from, to, &RenameHints::new())
}

fn sql(plan: &Plan) -> Vec<&str> {
    plan.steps.iter().map(|s| s.sql.as_str()).collect()
}

fn not_null(name: &str, data_type: &str) -> Column {
    Column {
        nullable: false,
        ..Column::new(name, data_type)
    }
}

fn index(name: &str, column: &str) -> Index {
    Index {
        name: name.into(),
        unique: false,
        parts: vec![IndexPart {
            key: IndexKey::Column(column.into()),
            descending: false,
            prefix_length: None,
            operator_class: None,
            nulls_first: None,
        }],
        predicate: None,
        method: None,
        comment: None,
        include: Vec::new(),
        nulls_not_distinct: false,
        storage: Vec::new(),
    }
}

fn foreign_key(name: &str, column: &str, table: QualifiedName) -> ForeignKey {
    ForeignKey {
        name: Some(name.into()),
        columns: vec![column.into()],
        referenced_table: table,
        referenced_columns: vec!["id".into()],
        on_delete: ForeignKeyAction::Cascade,
        on_update: ForeignKeyAction::NoAction,
        match_full: false,
        deferrable: false,
        initially_deferred: false,
    }
}

fn with_tables(dialect: Dialect, tables: Vec<Table>) -> Schema {
    let mut schema = Schema::empty(dialect);
    schema.tables = tables;
    schema
}

mod postgres {
    use super::*;

    fn public(name: &str) -> QualifiedName {
        QualifiedName::new("public", name)
    }

    fn users() -> Table {
        let mut users = Table::new(public("users"));
        users.columns = vec![not_null("id", "bigint"), Column::new("email", "text")];
        users.primary_key = Some(PrimaryKey {
            name: Some("users_pkey".into()),
            columns: vec!["id".into()],
        });
        users
    }

    fn pg(tables: Vec<Table>) -> Schema {
        with_tables(Dialect::Postgres, tables)
    }

    #[test]
    fn indexes_on_existing_tables_are_built_concurrently_and_foreign_keys_of_new_tables_come_last()
    {
        let from = pg(vec![users()]);
        let mut new_users = users();
        new_users.columns.push(Column {
            default: Some("''::text".into()),
            comment: Some("Shown name".into()),
            ..not_null("name", "text")
        });
        new_users.indexes.push(index("users_email", "email"));
        let mut orders = Table::new(public("orders"));
        orders.columns = vec![not_null("id", "bigint"), Column::new("user_id", "bigint")];
        orders.foreign_keys = vec![foreign_key("orders_user_fk", "user_id", public("users"))];
        orders.indexes = vec![index("orders_user", "user_id")];
        let to = pg(vec![new_users, orders]);

        let plan = plan(&from, &to);
        assert_eq!(
            sql(&plan),
            [
                "CREATE TABLE \"public\".\"orders\" (\n    \"id\" bigint NOT NULL,\n    \
                 \"user_id\" bigint\n)",
                "CREATE INDEX \"orders_user\" ON \"public\".\"orders\" (\"user_id\")",
                "ALTER TABLE \"public\".\"users\" ADD COLUMN \"name\" text DEFAULT ''::text NOT NULL",
                "COMMENT ON COLUMN \"public\".\"users\".\"name\" IS 'Shown name'",
                "CREATE INDEX CONCURRENTLY \"users_email\" ON \"public\".\"users\" (\"email\")",
                "ALTER TABLE \"public\".\"orders\" ADD CONSTRAINT \"orders_user_fk\" FOREIGN KEY \
                 (\"user_id\") REFERENCES \"public\".\"users\" (\"id\") ON DELETE CASCADE ON UPDATE \
                 NO ACTION",
            ]
        );
        let transactional: Vec<bool> = plan.steps.iter().map(|s| s.transactional).collect();
        assert_eq!(transactional, [true, true, true, true, false, true]);
        // The deferred foreign key still points at the table that declared it.
        assert_eq!(plan.steps[0].change, plan.steps[5].change);

        let script = script(&plan, "add users.name\nsafe");
        assert!(script.starts_with(
            "-- dbwarden:no-transaction\n-- add users.name\n-- safe\n\nCREATE TABLE \"public\".\"orders\""
        ));
        assert!(script.ends_with("ON UPDATE NO ACTION;\n\n"));
    }

    #[test]
    fn constraints_on_existing_tables_are_added_without_long_locks() {
        let mut accounts = Table::new(public("accounts"));
        accounts.columns = vec![not_null("id", "bigint")];
        let mut old_users = users();
        old_users.indexes.push(index("users_old", "email"));
        let from = pg(vec![accounts.clone(), old_users]);
        let mut new_users = users();
        new_users.columns.push(Column::new("account_id", "bigint"));
        new_users.foreign_keys = vec![foreign_key(
            "users_account_fk",
            "account_id",
            public("accounts"),
        )];
        new_users.uniques = vec![UniqueConstraint {
            name: Some("users_email_key".into()),
            columns: vec!["email".into()],
        }];
        new_users.checks = vec![CheckConstraint {
            name: Some("email_has_at".into()),
            expression: "(POSITION(('@'::text) IN (email)) > 0)".into(),
        }];
        let to = pg(vec![accounts, new_users]);
        assert_eq!(
            sql(&plan(&from, &to)),
            [
                "DROP INDEX CONCURRENTLY \"public\".\"users_old\"",
                "ALTER TABLE \"public\".\"users\" ADD COLUMN \"account_id\" bigint",
                "CREATE UNIQUE INDEX CONCURRENTLY \"users_email_key\" ON \"public\".\"users\" (\"email\")",
                "ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"users_email_key\" UNIQUE USING INDEX \
                 \"users_email_key\"",
                "ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"email_has_at\" CHECK ((POSITION(('@'::text) \
                 IN (email)) > 0)) NOT VALID",
                "ALTER TABLE \"public\".\"users\" VALIDATE CONSTRAINT \"email_has_at\"",
                "ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"users_account_fk\" FOREIGN KEY \
                 (\"account_id\") REFERENCES \"public\".\"accounts\" (\"id\") ON DELETE CASCADE ON UPDATE \
                 NO ACTION NOT VALID",
                "ALTER TABLE \"public\".\"users\" VALIDATE CONSTRAINT \"users_account_fk\"",
            ]
        );
    }

    #[test]
    fn a_retyped_column_gets_its_views_dropped_and_recreated_and_not_null_through_a_check() {
        let view = View {
            name: public("user_emails"),
            definition: " SELECT users.email\n   FROM users;".into(),
            depends_on: vec![public("users")],
            comment: Some("Emails".into()),
            grants: Vec::new(),
        };
        let reader = View {
            name: public("email_count"),
            definition: " SELECT count(*) AS count\n   FROM user_emails;".into(),
            depends_on: vec![public("user_emails")],
            comment: None,
            grants: Vec::new(),
        };
        let mut from = pg(vec![users()]);
        from.views = vec![view.clone(), reader.clone()];
        let mut new_users = users();
        new_users.columns[1] = Column {
            default: Some("'none'::character varying".into()),
            ..not_null("email", "character varying(200)")
        };
        let mut to = pg(vec![new_users]);
        to.views = vec![view, reader];
        assert_eq!(
            sql(&plan(&from, &to)),
            [
                "DROP VIEW \"public\".\"email_count\"",
                "DROP VIEW \"public\".\"user_emails\"",
                "ALTER TABLE \"public\".\"users\" ALTER COLUMN \"email\" TYPE character varying(200) \
                 USING \"email\"::character varying(200)",
                "ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"dbw_nn_email\" CHECK (\"email\" IS NOT \
                 NULL) NOT VALID",
                "ALTER TABLE \"public\".\"users\" VALIDATE CONSTRAINT \"dbw_nn_email\"",
                "ALTER TABLE \"public\".\"users\" ALTER COLUMN \"email\" SET NOT NULL",
                "ALTER TABLE \"public\".\"users\" DROP CONSTRAINT \"dbw_nn_email\"",
                "ALTER TABLE \"public\".\"users\" ALTER COLUMN \"email\" SET DEFAULT \
                 'none'::character varying",
                "CREATE VIEW \"public\".\"user_emails\" AS\n SELECT users.email\n   FROM users;",
                "COMMENT ON VIEW \"public\".\"user_emails\" IS 'Emails'",
                "CREATE VIEW \"public\".\"email_count\" AS\n SELECT count(*) AS count\n   FROM \
                 user_emails;",
            ]
        );
        // The views are gone between their DROP and CREATE: no commit in that window.
        assert!(!script(&plan(&from, &to), "").contains("dbwarden:commit"));
    }

    #[test]
    fn validation_scans_run_after_a_commit() {
        let mut new_users = users();
        new_users.columns[1] = not_null("email", "character varying(100)");
        let text = script(&plan(&pg(vec![users()]), &pg(vec![new_users])), "");
        let parts: Vec<&str> = text.split("-- dbwarden:commit\n").collect();
        assert_eq!(parts.len(), 3, "{text}");
        assert!(
            parts[0].contains("NOT VALID") && !parts[0].contains("VALIDATE"),
            "{text}"
        );
        assert!(
            parts[1].contains("VALIDATE CONSTRAINT") && !parts[1].contains("SET NOT NULL"),
            "{text}"
        );
        assert!(
            parts[2].contains("SET NOT NULL") && parts[2].contains("DROP CONSTRAINT"),
            "{text}"
        );
    }

    #[test]
    fn serial_becomes_identity() {
        let mut old = users();
        old.columns[0].default = Some("nextval('users_id_seq'::regclass)".into());
        let mut new = users();
        new.columns[0].identity = Some(crate::Identity::ByDefault);
        assert_eq!(
            sql(&plan(&pg(vec![old]), &pg(vec![new]))),
            [
                "ALTER TABLE \"public\".\"users\" ALTER COLUMN \"id\" DROP DEFAULT",
                "ALTER TABLE \"public\".\"users\" ALTER COLUMN \"id\" ADD GENERATED BY DEFAULT AS \
                 IDENTITY",
            ]
        );
    }

    #[test]
    fn a_changed_default_is_set_and_a_removed_one_dropped() {
        let mut old = users();
        old.columns[1].default = Some("'a'::text".into());
        let mut changed = users();
        changed.columns[1].default = Some("'b'::text".into());
        changed.columns[1].comment = Some("Login".into());
        assert_eq!(
            sql(&plan(&pg(vec![old.clone()]), &pg(vec![changed]))),
            [
                "ALTER TABLE \"public\".\"users\" ALTER COLUMN \"email\" SET DEFAULT 'b'::text",
                "COMMENT ON COLUMN \"public\".\"users\".\"email\" IS 'Login'",
            ]
        );
        assert_eq!(
            sql(&plan(&pg(vec![old]), &pg(vec![users()]))),
            ["ALTER TABLE \"public\".\"users\" ALTER COLUMN \"email\" DROP DEFAULT"]
        );
    }

    #[test]
    fn enum_values_are_added_in_place_and_removed_by_recreating_the_type() {
        let mood = |values: &[&str]| EnumType {
            name: public("mood"),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
            comment: None,
        };
        let mut people = Table::new(public("people"));
        people.columns = vec![Column {
            default: Some("'happy'::mood".into()),
            ..Column::new("m", "public.mood")
        }];
        let mut from = pg(vec![people.clone()]);
        from.enums = vec![mood(&["happy", "sad", "meh"])];
        let mut removed = pg(vec![people.clone()]);
        removed.enums = vec![mood(&["happy", "sad"])];
        assert_eq!(
            sql(&plan(&from, &removed)),
            [
                "ALTER TYPE \"public\".\"mood\" RENAME TO \"mood_dbw_old\"",
                "CREATE TYPE \"public\".\"mood\" AS ENUM ('happy', 'sad')",
                "ALTER TABLE \"public\".\"people\" ALTER COLUMN \"m\" DROP DEFAULT",
                "ALTER TABLE \"public\".\"people\" ALTER COLUMN \"m\" TYPE \"public\".\"mood\" USING \
                 \"m\"::text::\"public\".\"mood\"",
                "ALTER TABLE \"public\".\"people\" ALTER COLUMN \"m\" SET DEFAULT 'happy'::mood",
                "DROP TYPE \"public\".\"mood_dbw_old\"",
            ]
        );
        let mut added = pg(vec![people]);
        added.enums = vec![mood(&["ecstatic", "happy", "sad", "meh", "numb"])];
        assert_eq!(
            sql(&plan(&from, &added)),
            [
                "ALTER TYPE \"public\".\"mood\" ADD VALUE 'ecstatic' BEFORE 'happy'",
                "ALTER TYPE \"public\".\"mood\" ADD VALUE 'numb'",
            ]
        );
    }

    #[test]
    fn renames_and_drops() {
        let from = pg(vec![users()]);
        let mut people = users();
        people.name = public("people");
        people.columns[1].name = "mail".into();
        people.columns.remove(0);
        people.primary_key = None;
        let hints = RenameHints::parse(&["users=people".into(), "users.email=mail".into()])
            .expect("valid hints");
        assert_eq!(
            sql(&plan_with(&from, &pg(vec![people]), &hints)),
            [
                "ALTER TABLE \"public\".\"users\" RENAME TO \"people\"",
                "ALTER TABLE \"public\".\"people\" DROP CONSTRAINT \"users_pkey\"",
                "ALTER TABLE \"public\".\"people\" RENAME COLUMN \"email\" TO \"mail\"",
                "ALTER TABLE \"public\".\"people\" DROP COLUMN \"id\"",
            ]
        );
    }

    #[test]
    fn render_changes_needs_schemas_only_where_a_change_does() {
        let change = Change::AddColumn {
            table: public("users"),
            column: Column::new("bio", "text"),
            position: crate::diff::ColumnPosition::Last,
        };
        let plan =
            render_changes(std::slice::from_ref(&change), Dialect::Postgres).expect("plannable");
        assert_eq!(
            sql(&plan),
            ["ALTER TABLE \"public\".\"users\" ADD COLUMN \"bio\" text"]
        );
        let reorder = Change::ReorderColumns {
            table: public("users"),
            from: vec!["a".into(), "b".into()],
            to: vec!["b".into(), "a".into()],
        };
        let error = render_changes(&[reorder], Dialect::Postgres).expect_err("unsupported");
        assert!(
            error
                .to_string()
                .starts_with("cannot plan `reorder columns"),
            "{error}"
        );
    }
    #[test]
    fn keys_relying_on_a_dropped_primary_key_are_dropped_around_it() {
        let mut products = Table::new(public("products"));
        products.columns = vec![not_null("id", "integer"), not_null("sku", "text")];
        products.primary_key = Some(PrimaryKey {
            name: Some("products_pkey".into()),
            columns: vec!["id".into()],
        });
        let mut items = Table::new(public("items"));
        items.columns = vec![not_null("product_id", "integer")];
        items.foreign_keys = vec![foreign_key(
            "items_product_fk",
            "product_id",
            public("products"),
        )];
        let from = pg(vec![items.clone(), products.clone()]);
        products.primary_key = Some(PrimaryKey {
            name: Some("products_pkey".into()),
            columns: vec!["sku".into()],
        });
        products.uniques = vec![UniqueConstraint {
            name: Some("products_id_key".into()),
            columns: vec!["id".into()],
        }];
        let plan = plan(&from, &pg(vec![items, products]));
        let statements = sql(&plan);
        assert_eq!(
            statements[..2],
            [
                "ALTER TABLE \"public\".\"items\" DROP CONSTRAINT \"items_product_fk\"",
                "ALTER TABLE \"public\".\"products\" DROP CONSTRAINT \"products_pkey\"",
            ]
        );
        assert_eq!(
            statements[statements.len() - 2..],
            [
                "ALTER TABLE \"public\".\"items\" ADD CONSTRAINT \"items_product_fk\" FOREIGN KEY \
                 (\"product_id\") REFERENCES \"public\".\"products\" (\"id\") ON DELETE CASCADE ON \
                 UPDATE NO ACTION NOT VALID",
                "ALTER TABLE \"public\".\"items\" VALIDATE CONSTRAINT \"items_product_fk\"",
            ]
        );
    }

    #[test]
    fn an_added_enum_label_used_later_runs_outside_the_transaction() {
        let mood = |values: &[&str]| EnumType {
            name: public("mood"),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
            comment: None,
        };
        let mut from = pg(vec![]);
        from.enums = vec![mood(&["ok"])];
        let mut unused = from.clone();
        unused.enums = vec![mood(&["ok", "great"])];
        assert!(!plan(&from, &unused).needs_no_transaction());
        let mut used = unused.clone();
        let mut t = Table::new(public("t"));
        t.columns = vec![Column {
            default: Some("'great'::public.mood".into()),
            ..Column::new("m", "public.mood")
        }];
        from.tables = vec![Table {
            columns: vec![Column::new("m", "public.mood")],
            ..t.clone()
        }];
        used.tables = vec![t];
        let plan = plan(&from, &used);
        assert_eq!(
            sql(&plan),
            [
                "ALTER TYPE \"public\".\"mood\" ADD VALUE 'great'",
                "ALTER TABLE \"public\".\"t\" ALTER COLUMN \"m\" SET DEFAULT 'great'::public.mood",
            ]
        );
        assert!(!plan.steps[0].transactional && plan.steps[1].transactional);
    }

    #[test]
    fn a_serial_sequence_goes_with_its_column() {
        let mut from = pg(vec![users()]);
        from.tables[0].columns.push(Column {
            default: Some("nextval('public.users_no_seq'::regclass)".into()),
            ..not_null("no", "integer")
        });
        from.sequences = vec![crate::Sequence {
            name: public("users_no_seq"),
            data_type: "integer".into(),
            start: 1,
            increment: 1,
            min_value: 1,
            max_value: 2147483647,
            cache: 1,
            cycle: false,
            owned_by: Some((public("users"), "no".into())),
            comment: None,
        }];
        assert_eq!(
            sql(&plan(&from, &pg(vec![users()]))),
            ["ALTER TABLE \"public\".\"users\" DROP COLUMN \"no\""]
        );
    }

    #[test]
    fn a_view_is_replaced_by_dropping_it_with_its_readers() {
        let view = |name: &str, definition: &str, reads: &str| View {
            name: public(name),
            definition: definition.into(),
            depends_on: vec![public(reads)],
            comment: None,
            grants: Vec::new(),
        };
        let mut from = pg(vec![users()]);
        from.views = vec![
            view("emails", "SELECT id, email FROM users", "users"),
            view("ids", "SELECT id FROM emails", "emails"),
        ];
        let mut to = from.clone();
        to.views[0].definition = "SELECT id FROM users".into();
        assert_eq!(
            sql(&plan(&from, &to)),
            [
                "DROP VIEW \"public\".\"ids\"",
                "DROP VIEW \"public\".\"emails\"",
                "CREATE VIEW \"public\".\"emails\" AS\nSELECT id FROM users",
                "CREATE VIEW \"public\".\"ids\" AS\nSELECT id FROM emails",
            ]
        );
    }
}

mod mysql {
    use super::*;

    fn t() -> Table {
        let mut table = Table::new(QualifiedName::bare("t"));
        table.columns = vec![not_null("id", "int"), Column::new("name", "varchar(50)")];
        table.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        });
        table.checks = vec![CheckConstraint {
            name: Some("chk_id".into()),
            expression: "(`id` > 0)".into(),
        }];
        table
    }

    fn parent() -> Table {
        let mut table = Table::new(QualifiedName::bare("parent"));
        table.columns = vec![not_null("id", "int")];
        table
    }

    fn my(tables: Vec<Table>) -> Schema {
        with_tables(Dialect::Mysql, tables)
    }

    #[test]
    fn alter_table_asks_for_the_algorithm_the_change_allows() {
        let from = my(vec![parent(), t()]);
        let mut new = t();
        new.checks.clear();
        new.columns.insert(1, Column::new("email", "varchar(100)"));
        new.columns[2].data_type = "varchar(60)".into();
        new.columns.push(Column::new("parent_id", "int"));
        new.indexes = vec![index("ix_email", "email")];
        new.foreign_keys = vec![foreign_key(
            "fk_parent",
            "parent_id",
            QualifiedName::bare("parent"),
        )];
        let to = my(vec![parent(), new]);
        let plan = plan(&from, &to);
        assert_eq!(
            sql(&plan),
            [
                "ALTER TABLE `t` DROP CONSTRAINT `chk_id`, ALGORITHM=INPLACE, LOCK=NONE",
                "ALTER TABLE `t` ADD COLUMN `email` varchar(100) NULL AFTER `id`, ALGORITHM=INSTANT",
                "ALTER TABLE `t` ADD COLUMN `parent_id` int NULL, ALGORITHM=INSTANT",
                "ALTER TABLE `t` MODIFY COLUMN `name` varchar(60) NULL, ALGORITHM=INPLACE, LOCK=NONE",
                "CREATE INDEX `ix_email` ON `t` (`email`) ALGORITHM=INPLACE LOCK=NONE",
                // With foreign_key_checks on, adding a foreign key copies the table: no clause.
                "ALTER TABLE `t` ADD CONSTRAINT `fk_parent` FOREIGN KEY (`parent_id`) REFERENCES \
                 `parent` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION",
            ]
        );
        assert!(plan.steps.iter().all(|s| s.transactional));
        assert!(!script(&plan, "x").contains("no-transaction"));
    }

    #[test]
    fn defaults_types_keys_and_renames() {
        let from = my(vec![t()]);
        let mut new = t();
        new.name = QualifiedName::bare("things");
        new.columns[1].default = Some("'anon'".into());
        new.columns[0].data_type = "bigint".into();
        new.primary_key = None;
        new.uniques = vec![UniqueConstraint {
            name: Some("uq_name".into()),
            columns: vec!["name".into()],
        }];
        new.comment = Some("Things".into());
        let hints = RenameHints::parse(&["t=things".into()]).expect("valid hints");
        assert_eq!(
            sql(&plan_with(&from, &my(vec![new]), &hints)),
            [
                "RENAME TABLE `t` TO `things`",
                "ALTER TABLE `things` DROP PRIMARY KEY",
                "ALTER TABLE `things` MODIFY COLUMN `id` bigint NOT NULL",
                "ALTER TABLE `things` ALTER COLUMN `name` SET DEFAULT 'anon', ALGORITHM=INSTANT",
                "ALTER TABLE `things` ADD UNIQUE KEY `uq_name` (`name`), ALGORITHM=INPLACE, LOCK=NONE",
                "ALTER TABLE `things` COMMENT = 'Things', ALGORITHM=INPLACE, LOCK=NONE",
            ]
        );
    }

    #[test]
    fn new_tables_get_foreign_keys_after_all_tables_exist() {
        let mut child = Table::new(QualifiedName::bare("child"));
        child.columns = vec![Column::new("parent_id", "int")];
        child.foreign_keys = vec![foreign_key(
            "fk",
            "parent_id",
            QualifiedName::bare("parent"),
        )];
        let to = my(vec![child, parent()]);
        assert_eq!(
            sql(&plan(&my(vec![]), &to)),
            [
                "CREATE TABLE `child` (\n  `parent_id` int NULL\n)",
                "CREATE TABLE `parent` (\n  `id` int NOT NULL\n)",
                "ALTER TABLE `child` ADD CONSTRAINT `fk` FOREIGN KEY (`parent_id`) REFERENCES \
                 `parent` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION",
            ]
        );
    }
    #[test]
    fn a_dropped_foreign_key_takes_the_index_the_server_made_for_it() {
        let mut child = Table::new(QualifiedName::bare("child"));
        child.columns = vec![
            Column::new("parent_id", "int"),
            Column::new("other_id", "int"),
        ];
        child.foreign_keys = vec![
            foreign_key("fk_parent", "parent_id", QualifiedName::bare("parent")),
            foreign_key("fk_other", "other_id", QualifiedName::bare("parent")),
        ];
        // fk_other has an index of its own in the model: the server made none for it.
        child.indexes = vec![index("ix_other", "other_id")];
        let from = my(vec![child.clone(), parent()]);
        child.foreign_keys.clear();
        assert_eq!(
            sql(&plan(&from, &my(vec![child, parent()]))),
            [
                "ALTER TABLE `child` DROP FOREIGN KEY `fk_other`, ALGORITHM=INPLACE, LOCK=NONE",
                "ALTER TABLE `child` DROP FOREIGN KEY `fk_parent`, ALGORITHM=INPLACE, LOCK=NONE",
                "ALTER TABLE `child` DROP INDEX `fk_parent`, ALGORITHM=INPLACE, LOCK=NONE",
            ]
        );
    }

    #[test]
    fn an_auto_increment_column_comes_with_its_key() {
        let mut log = Table::new(QualifiedName::bare("log"));
        log.columns = vec![not_null("line", "text")];
        let from = my(vec![log.clone()]);
        log.columns.insert(
            0,
            Column {
                identity: Some(crate::Identity::AutoIncrement),
                ..not_null("id", "bigint")
            },
        );
        log.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        });
        let to = my(vec![log]);
        assert_eq!(
            sql(&plan(&from, &to)),
            [
                "ALTER TABLE `log` ADD COLUMN `id` bigint NOT NULL AUTO_INCREMENT FIRST, ADD PRIMARY KEY (`id`)"
            ]
        );
        assert_eq!(
            sql(&plan(&to, &from)),
            ["ALTER TABLE `log` DROP PRIMARY KEY, DROP COLUMN `id`"]
        );
    }

    #[test]
    fn retyping_a_key_column_drops_the_foreign_keys_around_it() {
        let mut child = Table::new(QualifiedName::bare("child"));
        child.columns = vec![Column::new("parent_id", "int")];
        child.foreign_keys = vec![foreign_key(
            "fk",
            "parent_id",
            QualifiedName::bare("parent"),
        )];
        let mut parent = parent();
        parent.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        });
        let from = my(vec![child.clone(), parent.clone()]);
        child.columns[0].data_type = "bigint".into();
        parent.columns[0].data_type = "bigint".into();
        let statements = plan(&from, &my(vec![child, parent]));
        let statements = sql(&statements);
        // The key's index stays, and serves the key again once both columns are retyped.
        assert_eq!(statements[0], "ALTER TABLE `child` DROP FOREIGN KEY `fk`");
        assert!(statements[1].starts_with("ALTER TABLE `child` MODIFY COLUMN `parent_id` bigint"));
        assert!(statements[2].starts_with("ALTER TABLE `parent` MODIFY COLUMN `id` bigint"));
        assert!(statements[3].starts_with("ALTER TABLE `child` ADD CONSTRAINT `fk`"));
        assert_eq!(statements.len(), 4);
    }
}

mod sqlite {
    use super::*;

    fn t() -> Table {
        let mut table = Table::new(QualifiedName::bare("t"));
        table.columns = vec![
            not_null("id", "INTEGER"),
            Column::new("a", "TEXT"),
            Column::new("b", "TEXT"),
        ];
        table.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        });
        table.indexes = vec![index("t_b", "b")];
        table
    }

    fn lite(tables: Vec<Table>) -> Schema {
        with_tables(Dialect::Sqlite, tables)
    }

    fn view() -> View {
        View {
            name: QualifiedName::bare("v"),
            definition: "SELECT id FROM t".into(),
            depends_on: vec![QualifiedName::bare("t")],
            comment: None,
            grants: Vec::new(),
        }
    }

    #[test]
    fn alter_table_does_what_it_can() {
        let from = lite(vec![t()]);
        let mut new = t();
        new.columns.remove(1);
        new.columns.push(Column {
            default: Some("'x'".into()),
            ..not_null("c", "TEXT")
        });
        new.indexes.push(index("t_c", "c"));
        let plan = plan(&from, &lite(vec![new]));
        assert_eq!(
            sql(&plan),
            [
                "ALTER TABLE \"t\" DROP COLUMN \"a\"",
                "ALTER TABLE \"t\" ADD COLUMN \"c\" TEXT NOT NULL DEFAULT 'x'",
                "CREATE INDEX \"t_c\" ON \"t\" (\"c\")",
            ]
        );
    }

    #[test]
    fn other_changes_rebuild_the_table_once_with_foreign_keys_off() {
        let mut from = lite(vec![t()]);
        from.views = vec![view()];
        let mut new = t();
        new.columns[1].name = "a2".into();
        new.columns[2] = Column {
            default: Some("'none'".into()),
            ..not_null("b", "TEXT")
        };
        new.columns.push(Column::new("c", "TEXT"));
        new.checks = vec![CheckConstraint {
            name: Some("c_short".into()),
            expression: "length(c) < 10".into(),
        }];
        let mut to = lite(vec![new]);
        to.views = vec![view()];
        let hints = RenameHints::parse(&["t.a=a2".into()]).expect("valid hints");
        let plan = plan_with(&from, &to, &hints);
        assert_eq!(
            sql(&plan),
            [
                "PRAGMA foreign_keys = OFF",
                "DROP VIEW \"v\"",
                "CREATE TABLE \"_dbw_new_t\" (\n    \"id\" INTEGER NOT NULL,\n    \"a2\" TEXT,\n    \
                 \"b\" TEXT NOT NULL DEFAULT 'none',\n    \"c\" TEXT,\n    PRIMARY KEY (\"id\"),\n    \
                 CONSTRAINT \"c_short\" CHECK (length(c) < 10)\n)",
                "INSERT INTO \"_dbw_new_t\" (\"id\", \"a2\", \"b\") SELECT \"id\", \"a\", \"b\" FROM \"t\"",
                "DROP TABLE \"t\"",
                "ALTER TABLE \"_dbw_new_t\" RENAME TO \"t\"",
                "CREATE INDEX \"t_b\" ON \"t\" (\"b\")",
                "CREATE VIEW \"v\" AS SELECT id FROM t",
                "PRAGMA foreign_keys = ON",
            ]
        );
        assert!(plan.steps.iter().all(|s| s.transactional));
    }

    #[test]
    fn a_view_is_replaced_by_dropping_it() {
        let mut from = lite(vec![t()]);
        from.views = vec![view()];
        let mut to = from.clone();
        to.views[0].definition = "SELECT id, b FROM t".into();
        assert_eq!(
            sql(&plan(&from, &to)),
            [
                "DROP VIEW \"v\"",
                "CREATE VIEW \"v\" AS SELECT id, b FROM t"
            ]
        );
    }

    #[test]
    fn render_changes_cannot_rebuild() {
        let change = Change::AddCheck {
            table: QualifiedName::bare("t"),
            check: CheckConstraint {
                name: None,
                expression: "a > 0".into(),
            },
        };
        let error = render_changes(&[change], Dialect::Sqlite).expect_err("needs schemas");
        assert!(
            error.to_string().contains("plan with render_diff"),
            "{error}"
        );
    }

    #[test]
    fn a_column_with_an_expression_default_is_added_by_rebuilding() {
        let from = lite(vec![t()]);
        let mut new = t();
        new.columns.push(Column {
            default: Some("datetime('now')".into()),
            ..not_null("at", "TEXT")
        });
        let plan = plan(&from, &lite(vec![new]));
        assert!(
            sql(&plan)
                .iter()
                .any(|s| s.starts_with("CREATE TABLE \"_dbw_new_t\"")),
            "{:?}",
            sql(&plan)
        );
    }
}

#[test]
fn mysql_algorithm_follows_the_server_release() {
    let mut from = Schema::empty(Dialect::Mysql);
    let mut table = Table::new(QualifiedName::bare("t"));
    table.columns = vec![not_null("id", "int"), Column::new("note", "text")];
    from.tables.push(table);
    let mut to = from.clone();
    to.tables[0].columns.pop();
    let changes = diff(&from, &to, &RenameHints::new());
    let on = |version: Option<&str>| {
        let version =
            version.map(|v| TargetVersion::parse(v, Dialect::Mysql).expect("valid version"));
        let plan = render_diff_on(&from, &to, &changes, version.as_ref()).expect("plannable");
        plan.steps[0].sql.clone()
    };
    assert!(on(None).ends_with("ALGORITHM=INSTANT"), "{}", on(None));
    assert!(on(Some("mysql:8.0.29")).ends_with("ALGORITHM=INSTANT"));
    let old = on(Some("mysql:8.0.20"));
    assert!(old.ends_with("ALGORITHM=INPLACE, LOCK=NONE"), "{old}");
    let mariadb = on(Some("mariadb:10.3"));
    assert!(
        mariadb.ends_with("ALGORITHM=INPLACE, LOCK=NONE"),
        "{mariadb}"
    );
}
