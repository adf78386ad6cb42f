//! A concurrent writer for tests that run dbwarden on a live table, as production does: on
//! its own connection it inserts, updates and deletes rows of `users (id, email, score)` until
//! stopped, and keeps a ledger of every write the database acknowledged, which is the oracle
//! the test checks the table against afterwards.

use dbwarden::engine::{Engine, Value};
use dbwarden_testkit::TestDb;
use std::collections::BTreeMap;
use std::time::Duration;

/// What the writer knows the table holds: id → (email, score) for rows it or the seed wrote
/// and the database acknowledged; `None` for rows it deleted.
#[derive(Default)]
pub struct Ledger {
    /// id → (email, score); `None` for rows it deleted.
    pub rows: BTreeMap<i64, Option<(String, i64)>>,
    /// Writes the database acknowledged.
    pub acknowledged: u64,
    /// Writes the database refused.
    pub refused: u64,
    /// The seeded rows' ids run from 1 to this.
    pub seeded: i64,
}

/// A concurrent writer on its own connection.
pub struct Writer {
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<Ledger>,
}

impl Ledger {
    /// A table seeded with rows 1..=`rows` as (`u{id}`, id).
    pub fn seeded(rows: i64) -> Ledger {
        let mut ledger = Ledger {
            seeded: rows,
            ..Ledger::default()
        };
        for id in 1..=rows {
            ledger.rows.insert(id, Some((format!("u{id}"), id)));
        }
        ledger
    }
}

impl Writer {
    /// Starts writing, on from what `ledger` says the table holds.
    pub async fn start(db: &TestDb, mut ledger: Ledger) -> Writer {
        let rows = ledger.seeded.max(100);
        let mut engine = db.connect().await;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(async move {
            let mut next_id = ledger
                .rows
                .keys()
                .max()
                .copied()
                .unwrap_or(0)
                .max(1_000_000);
            let mut seed = 0x2545_f491_u64;
            let mut random = move |n: i64| {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                i64::try_from((seed >> 33) % u64::try_from(n).unwrap_or(1)).unwrap_or(0) + 1
            };
            let mut round = next_id;
            while !*stopped.borrow() {
                round += 1;
                next_id += 1;
                let writes = [
                    (
                        format!(
                            "INSERT INTO users (id, email, score) VALUES ({next_id}, 'w{next_id}', {round})"
                        ),
                        (next_id, Some((format!("w{next_id}"), round))),
                    ),
                    {
                        // Never a multiple of 100: the lossy migration's rows stay the writer's
                        // untouched witnesses.
                        let id = random(rows / 100) * 100 - random(99);
                        (
                            format!(
                                "UPDATE users SET email = 'x{round}', score = {round} WHERE id = {id}"
                            ),
                            (id, Some((format!("x{round}"), round))),
                        )
                    },
                    {
                        let id = random(rows / 100) * 100 - random(99);
                        (format!("DELETE FROM users WHERE id = {id}"), (id, None))
                    },
                ];
                for (sql, (id, value)) in writes {
                    match engine.execute(&sql).await {
                        Ok(done) => {
                            ledger.acknowledged += 1;
                            let was_there = matches!(ledger.rows.get(&id), Some(Some(_)));
                            if done.rows_affected > 0 || (value.is_none() && !was_there) {
                                ledger.rows.insert(id, value);
                            }
                        }
                        Err(e) => {
                            if ledger.refused < 3 {
                                eprintln!("writer: {sql}: {e}");
                            }
                            ledger.refused += 1;
                        }
                    }
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            ledger
        });
        Writer { stop, task }
    }

    /// Stops writing and returns the ledger.
    pub async fn stop(self) -> Ledger {
        let _ = self.stop.send(true);
        self.task
            .await
            .unwrap_or_else(|e| panic!("writer panicked: {e}"))
    }
}

/// The rows of `users` as the database holds them.
pub async fn table_rows(engine: &mut dyn Engine) -> BTreeMap<i64, (String, i64)> {
    engine
        .query("SELECT id, email, score FROM users", &[])
        .await
        .unwrap_or_else(|e| panic!("cannot read users: {e}"))
        .into_iter()
        .map(|r| {
            let id = r.first().and_then(Value::as_i64).unwrap_or(-1);
            let email = r.get(1).and_then(Value::as_string).unwrap_or_default();
            let score = r.get(2).and_then(Value::as_i64).unwrap_or(i64::MIN);
            (id, (email, score))
        })
        .collect()
}

/// Every write the writer saw acknowledged is in the table, and nothing it deleted is back.
pub fn assert_ledger_holds(ledger: &Ledger, rows: &BTreeMap<i64, (String, i64)>, case: &str) {
    assert!(
        ledger.acknowledged > 5,
        "{case}: the writer hardly wrote ({} writes)",
        ledger.acknowledged
    );
    for (id, expected) in &ledger.rows {
        match expected {
            Some(value) => assert_eq!(
                rows.get(id),
                Some(value),
                "{case}: acknowledged write to row {id} is not in the table"
            ),
            None => assert!(
                !rows.contains_key(id),
                "{case}: row {id}, deleted by the writer, is back"
            ),
        }
    }
}
