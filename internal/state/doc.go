// Package state holds the control-plane state of every emulated service,
// per account and region, in memory and optionally durable on disk.
//
// A [Store] owns one [DB] per service. A DB owns typed [Table]s, registered
// with [NewTable] before [Store.Open]. Records of a table are ordered by
// (account, region, key), so listing a [Scope] is a range walk of a btree.
//
// All access goes through transactions: [DB.View] for reads (many at a time)
// and [DB.Update] for writes (one at a time per DB). Mutations made inside
// Update apply to memory immediately and are rolled back if the function
// fails or panics. With a directory configured, every committed Update is
// appended to a journal and fsynced before Update returns; concurrent commits
// share one write and one fsync (group commit). Snapshots bound the journal.
//
// Values are stored as T, not encoded, and read results are shared between
// readers: treat every value returned by Get, Ascend or AscendPrefix as
// immutable, including anything it points to. To change a record, Put a
// modified copy. Values must round-trip through encoding/json, and keys,
// accounts and regions must be valid UTF-8.
//
// On disk (Options.Dir) the store keeps:
//
//	LOCK                      flock(2)ed by the process that has the store open
//	snapshot                  every record, plus the first journal generation to replay
//	journal-<generation>.log  transactions committed after that snapshot
//
// Journal and snapshot files are sequences of frames:
// [4-byte little-endian length][4-byte CRC-32C of payload][payload], where
// the payload is a JSON record.
package state
