//! Many `dbwarden migrate up` processes started at once on one database, as when every replica
//! of a service migrates on boot: the migration lock must let each migration run exactly once,
//! and the runners that lose the race must wait and then find nothing left to do.

mod harness;

use dbwarden_testkit::{Server, test_db};
use harness::{Probe, Project};
use std::time::Duration;

const RUNNERS: usize = 8;
const MIGRATIONS: usize = 5;

on_every_engine!(eight_runners_apply_each_migration_once);

async fn eight_runners_apply_each_migration_once(server: Server) {
    let db = test_db!(server);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    // Each migration leaves a row naming itself, so a migration run twice shows as a
    // duplicate even where its DDL would have been idempotent.
    project.migration(
        "0001_applied_log",
        "CREATE TABLE applied_log (v VARCHAR(8) NOT NULL);\n\
         INSERT INTO applied_log (v) VALUES ('0001');\n",
        "DROP TABLE applied_log;\n",
    );
    for n in 2..=MIGRATIONS {
        project.migration(
            &format!("{n:04}_log_{n}"),
            &format!("INSERT INTO applied_log (v) VALUES ('{n:04}');\n"),
            &format!("DELETE FROM applied_log WHERE v = '{n:04}';\n"),
        );
    }

    let children: Vec<_> = (0..RUNNERS)
        .map(|_| project.spawn(&["migrate", "up"]))
        .collect();
    let outcomes = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|c| harness::wait_with_timeout(c, Duration::from_secs(60)))
            .collect::<Vec<_>>()
    })
    .await
    .unwrap_or_else(|e| panic!("waiting for the runners failed: {e}"));

    for out in &outcomes {
        out.assert_code(0);
    }
    let history = probe.history().await;
    assert_eq!(history.len(), MIGRATIONS, "{history:#?}");
    assert!(
        history.iter().all(|h| h.status == "applied"),
        "{history:#?}"
    );

    let per_migration: Vec<(String, i64)> = probe
        .query("SELECT v, COUNT(*) FROM applied_log GROUP BY v ORDER BY v")
        .await
        .into_iter()
        .map(|r| {
            (
                r[0].as_string().unwrap_or_default(),
                r[1].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    let expected: Vec<(String, i64)> = (1..=MIGRATIONS).map(|n| (format!("{n:04}"), 1)).collect();
    assert_eq!(
        per_migration, expected,
        "some migration ran more or less than once"
    );

    // The first runner to take the lock applies everything; the others wait for it (or come
    // late) and then find nothing to apply. Whether any of them had to wait depends on process
    // start-up timing, so it is not asserted.
    let report = || {
        outcomes
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n====\n")
    };
    let appliers = outcomes
        .iter()
        .filter(|o| {
            o.stdout
                .contains(&format!("applied {MIGRATIONS} migration(s)"))
        })
        .count();
    let idle = outcomes
        .iter()
        .filter(|o| o.stdout.contains("nothing to apply"))
        .count();
    assert_eq!((appliers, idle), (1, RUNNERS - 1), "{}", report());
    let completions = project
        .events()
        .iter()
        .filter(|e| e["type"] == "MIGRATION_COMPLETE")
        .count();
    assert_eq!(
        completions, MIGRATIONS,
        "the shared event log records each migration completing once"
    );
}
