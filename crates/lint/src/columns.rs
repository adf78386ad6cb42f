//! The columns a DDL statement defines or retypes, for the rules about column types.

use crate::rules::add_column_identity_or_serial::{numbering, numbering_of};
use sqlparser::ast::{
    self, AlterColumnOperation, AlterTableOperation, ColumnDef, ColumnOption, DataType, Ident,
    TableConstraint,
};

/// A column given a type by `CREATE TABLE`, `ADD COLUMN`, `ALTER COLUMN ... TYPE` or MySQL
/// `MODIFY`/`CHANGE COLUMN`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ColumnDefinition<'a> {
    pub(crate) name: &'a Ident,
    pub(crate) data_type: &'a DataType,
    /// Whether it is (all of) the primary key.
    pub(crate) primary_key: bool,
    /// Whether it numbers rows: `serial`, identity or `AUTO_INCREMENT`.
    pub(crate) numbered: bool,
}

/// The columns `statement` defines or retypes, in order.
pub(crate) fn defined_columns(statement: &ast::Statement) -> Vec<ColumnDefinition<'_>> {
    let mut columns = Vec::new();
    match statement {
        ast::Statement::CreateTable(create) => {
            let table_key: Option<&Ident> = create.constraints.iter().find_map(|c| match c {
                TableConstraint::PrimaryKey(pk) if pk.columns.len() == 1 => {
                    match &pk.columns[0].column.expr {
                        ast::Expr::Identifier(ident) => Some(ident),
                        _ => None,
                    }
                }
                _ => None,
            });
            for column in &create.columns {
                let named_in_key = table_key.is_some_and(|key| {
                    crate::identifiers::key(key) == crate::identifiers::key(&column.name)
                });
                columns.push(definition(column, named_in_key));
            }
        }
        ast::Statement::AlterTable(alter) => {
            for op in &alter.operations {
                match op {
                    AlterTableOperation::AddColumn { column_def, .. } => {
                        columns.push(definition(column_def, false));
                    }
                    AlterTableOperation::AlterColumn {
                        column_name,
                        op: AlterColumnOperation::SetDataType { data_type, .. },
                    } => columns.push(ColumnDefinition {
                        name: column_name,
                        data_type,
                        primary_key: false,
                        numbered: false,
                    }),
                    AlterTableOperation::ModifyColumn {
                        col_name: name,
                        data_type,
                        options,
                        ..
                    }
                    | AlterTableOperation::ChangeColumn {
                        new_name: name,
                        data_type,
                        options,
                        ..
                    } => columns.push(ColumnDefinition {
                        name,
                        data_type,
                        primary_key: options
                            .iter()
                            .any(|option| matches!(option, ColumnOption::PrimaryKey(_))),
                        numbered: numbering_of(data_type, options.iter()).is_some(),
                    }),
                    _ => {}
                }
            }
        }
        _ => {}
    }
    columns
}

fn definition(column: &ColumnDef, named_in_key: bool) -> ColumnDefinition<'_> {
    ColumnDefinition {
        name: &column.name,
        data_type: &column.data_type,
        primary_key: named_in_key
            || column
                .options
                .iter()
                .any(|option| matches!(option.option, ColumnOption::PrimaryKey(_))),
        numbered: numbering(column).is_some(),
    }
}

/// `statement` with every defined column type for which `replace` gives a new type replaced,
/// or `None` when nothing changes. Builds the SQL of type-hygiene fixes.
pub(crate) fn retype(
    statement: &ast::Statement,
    replace: impl Fn(&Ident, &DataType) -> Option<DataType>,
) -> Option<ast::Statement> {
    let mut statement = statement.clone();
    let mut changed = false;
    let mut apply = |name: &Ident, data_type: &mut DataType| {
        if let Some(new) = replace(name, data_type) {
            *data_type = new;
            changed = true;
        }
    };
    match &mut statement {
        ast::Statement::CreateTable(create) => {
            for column in &mut create.columns {
                apply(&column.name, &mut column.data_type);
            }
        }
        ast::Statement::AlterTable(alter) => {
            for op in &mut alter.operations {
                match op {
                    AlterTableOperation::AddColumn { column_def, .. } => {
                        apply(&column_def.name, &mut column_def.data_type)
                    }
                    AlterTableOperation::AlterColumn {
                        column_name: name,
                        op: AlterColumnOperation::SetDataType { data_type, .. },
                    }
                    | AlterTableOperation::ModifyColumn {
                        col_name: name,
                        data_type,
                        ..
                    }
                    | AlterTableOperation::ChangeColumn {
                        new_name: name,
                        data_type,
                        ..
                    } => apply(name, data_type),
                    _ => {}
                }
            }
        }
        _ => {}
    }
    changed.then_some(statement)
}

/// Whether `data_type` is the custom type `name` (`serial`, `bigserial`...), case-insensitively.
pub(crate) fn is_custom(data_type: &DataType, names: &[&str]) -> bool {
    match data_type {
        DataType::Custom(name, args) if args.is_empty() => {
            let text = crate::identifiers::object_key(name);
            names.iter().any(|n| text.eq_ignore_ascii_case(n))
        }
        _ => false,
    }
}

/// A type-hygiene violation: the columns of the statement whose type `is_bad`, and the fix that
/// retypes each of them with `replace`.
pub(crate) fn type_hygiene(
    statement: &ast::Statement,
    is_bad: impl Fn(&ColumnDefinition) -> bool,
    replace: impl Fn(&DataType) -> DataType,
    message: impl Fn(&str) -> String,
    why: &str,
) -> Vec<crate::rules::Violation> {
    let bad: Vec<ColumnDefinition> = defined_columns(statement)
        .into_iter()
        .filter(|column| is_bad(column))
        .collect();
    let Some(first) = bad.first() else {
        return Vec::new();
    };
    let names: Vec<String> = bad
        .iter()
        .map(|column| crate::identifiers::key(column.name))
        .collect();
    let listed = bad
        .iter()
        .map(|column| format!("`{}` {}", column.name.value, column.data_type))
        .collect::<Vec<_>>()
        .join(", ");
    let fix = retype(statement, |name, data_type| {
        names
            .contains(&crate::identifiers::key(name))
            .then(|| replace(data_type))
    });
    let violation = crate::rules::Violation::new(message(&listed), why).at(first.name.span);
    vec![match fix {
        Some(fixed) => violation.fix(crate::rules::sql(fixed)),
        None => violation,
    }]
}
