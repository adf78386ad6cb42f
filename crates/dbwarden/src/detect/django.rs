//! Django: the `ENGINE` of `DATABASES` in a settings module, and each app's `migrations` package
//! (`<app>/migrations/0001_initial.py` next to `__init__.py`), recorded by app and name in
//! `django_migrations`.

use dbwarden_core::Dialect;
use std::path::{Path, PathBuf};

use super::config_text::string_values;
use super::sql_migrations::{split_numbered, version_cmp};
use super::tree::{Tree, is_ignored_dir};
use super::{Evidence, FindingKind, MigrationFolder, Strength, counted};

/// The dialect a Django database backend module serves, including GeoDjango's backends.
fn engine_dialect(engine: &str) -> Option<Dialect> {
    match engine.rsplit('.').next().unwrap_or(engine) {
        "postgresql" | "postgresql_psycopg2" | "postgis" => Some(Dialect::Postgres),
        "mysql" => Some(Dialect::Mysql),
        "sqlite3" | "spatialite" => Some(Dialect::Sqlite),
        _ => None,
    }
}

pub(super) fn detect(tree: &Tree) -> Vec<Evidence> {
    let apps: Vec<String> = tree
        .list("")
        .map(|l| l.dirs)
        .unwrap_or_default()
        .into_iter()
        .filter(|name| !is_ignored_dir(name))
        .collect();
    let mut settings = vec![PathBuf::from("settings.py")];
    for app in &apps {
        settings.push(Path::new(app).join("settings.py"));
        let folder = Path::new(app).join("settings");
        if let Some(listing) = tree.list(&folder) {
            settings.extend(
                listing
                    .files
                    .iter()
                    .filter(|name| name.ends_with(".py"))
                    .map(|name| folder.join(name)),
            );
        }
    }
    let mut found: Vec<Evidence> = settings
        .iter()
        .filter_map(|path| settings_evidence(tree, path))
        .collect();
    found.extend(
        apps.iter()
            .filter_map(|app| migrations_package(tree, &Path::new(app).join("migrations"))),
    );
    found
}

fn settings_evidence(tree: &Tree, path: &Path) -> Option<Evidence> {
    let text = tree.read_text(path)?;
    let engines = string_values(&text, "ENGINE");
    let shown = path.display();
    let Some(first) = engines.first() else {
        if !text.contains("dj_database_url") {
            return None;
        }
        return Some(Evidence::new(
            FindingKind::Django,
            path,
            None,
            Strength::Declared,
            format!(
                "{shown} reads DATABASES with dj_database_url, from the DATABASE_URL environment variable"
            ),
        ));
    };
    let dialect = engine_dialect(&first.value);
    let mut reason = format!("'ENGINE': '{}' in {shown}", first.value);
    if dialect.is_none() {
        reason.push_str(", a backend dbwarden does not support");
    }
    let others: Vec<&str> = engines
        .iter()
        .skip(1)
        .map(|e| e.value.as_str())
        .filter(|e| *e != first.value)
        .collect();
    if !others.is_empty() {
        reason.push_str(&format!("; other databases use {}", others.join(", ")));
    }
    Some(Evidence::new(
        FindingKind::Django,
        path,
        dialect,
        Strength::Declared,
        reason,
    ))
}

fn migrations_package(tree: &Tree, folder: &Path) -> Option<Evidence> {
    let listing = tree.list(folder)?;
    if !listing.files.iter().any(|f| f == "__init__.py")
        || !listing
            .files
            .iter()
            .any(|f| f.starts_with("0001_") && f.ends_with(".py"))
    {
        return None;
    }
    let mut names: Vec<(&str, &str)> = listing
        .files
        .iter()
        .filter_map(|f| {
            let stem = f.strip_suffix(".py")?;
            split_numbered(stem).map(|(number, _)| (number, stem))
        })
        .collect();
    names.sort_by(|a, b| version_cmp(a.0, b.0).then_with(|| a.1.cmp(b.1)));
    let reason = format!(
        "{} in {} (0001_*.py next to __init__.py)",
        counted(names.len(), "Django migration"),
        folder.display()
    );
    Some(
        Evidence::new(FindingKind::Django, folder, None, Strength::Guess, reason).with_migrations(
            MigrationFolder {
                tool: "django".to_owned(),
                path: folder.to_path_buf(),
                count: names.len(),
                latest_version: names.last().map(|(_, stem)| (*stem).to_owned()),
                history_table: "django_migrations".to_owned(),
            },
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::detect::fixture::detect;

    const SQLITE_SETTINGS: &str = "from pathlib import Path\nBASE_DIR = Path(__file__).resolve().parent.parent\n\nDATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.sqlite3',\n        'NAME': BASE_DIR / 'db.sqlite3',\n    }\n}\n";

    #[test]
    fn settings_with_the_sqlite3_engine() {
        let d = detect(&[
            ("manage.py", "#!/usr/bin/env python"),
            ("mysite/__init__.py", ""),
            ("mysite/settings.py", SQLITE_SETTINGS),
        ]);
        assert_eq!(d.findings.len(), 1);
        let f = &d.findings[0];
        assert_eq!(f.kind, FindingKind::Django);
        assert_eq!(f.path, Path::new("mysite/settings.py"));
        assert_eq!(f.dialect, Some(Dialect::Sqlite));
        assert_eq!(
            f.reason,
            "'ENGINE': 'django.db.backends.sqlite3' in mysite/settings.py"
        );
        assert_eq!(d.dialect, Some(Dialect::Sqlite));
    }

    #[test]
    fn engines_of_each_backend() {
        for (engine, dialect) in [
            ("django.db.backends.postgresql", Some(Dialect::Postgres)),
            (
                "django.db.backends.postgresql_psycopg2",
                Some(Dialect::Postgres),
            ),
            (
                "django.contrib.gis.db.backends.postgis",
                Some(Dialect::Postgres),
            ),
            ("django.db.backends.mysql", Some(Dialect::Mysql)),
            ("django.db.backends.sqlite3", Some(Dialect::Sqlite)),
            ("django.db.backends.oracle", None),
        ] {
            assert_eq!(engine_dialect(engine), dialect, "{engine}");
        }
    }

    #[test]
    fn split_settings_package_and_dj_database_url() {
        let d = detect(&[
            (
                "proj/settings/base.py",
                "import dj_database_url\nDATABASES = {'default': dj_database_url.config()}\n",
            ),
            (
                "proj/settings/prod.py",
                "DATABASES = {\"default\": {\"ENGINE\": \"django.db.backends.postgresql\", \"PASSWORD\": os.environ['PW']}, 'replica': {'ENGINE': 'django.db.backends.mysql'}}\n",
            ),
        ]);
        assert_eq!(d.findings.len(), 2);
        assert_eq!(d.findings[0].dialect, None);
        assert!(d.findings[0].reason.contains("dj_database_url"));
        assert_eq!(d.findings[1].dialect, Some(Dialect::Postgres));
        assert_eq!(
            d.findings[1].reason,
            "'ENGINE': 'django.db.backends.postgresql' in proj/settings/prod.py; other databases use django.db.backends.mysql"
        );
    }

    #[test]
    fn app_migration_packages() {
        let d = detect(&[
            ("blog/migrations/__init__.py", ""),
            (
                "blog/migrations/0001_initial.py",
                "from django.db import migrations",
            ),
            (
                "blog/migrations/0002_post_slug.py",
                "from django.db import migrations",
            ),
            (
                "blog/migrations/0010_auto_20240101_1200.py",
                "from django.db import migrations",
            ),
            (
                "shop/migrations/0001_initial.py",
                "no __init__.py next to it",
            ),
            ("node_modules/x/migrations/__init__.py", ""),
            ("node_modules/x/migrations/0001_initial.py", ""),
        ]);
        assert_eq!(d.findings.len(), 1, "{:#?}", d.findings);
        let f = &d.findings[0];
        assert_eq!(f.path, Path::new("blog/migrations"));
        assert_eq!(
            f.migrations,
            Some(MigrationFolder {
                tool: "django".into(),
                path: "blog/migrations".into(),
                count: 3,
                latest_version: Some("0010_auto_20240101_1200".into()),
                history_table: "django_migrations".into(),
            })
        );
    }
}
