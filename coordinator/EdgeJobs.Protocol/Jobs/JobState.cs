namespace EdgeJobs.Protocol.Jobs;

// The job lifecycle (README "Jobs and their states"). The integers are stored in the ledger and must never change meaning;
// PersistedNumbersTests (tests/EdgeJobs.Coordinator.Tests/Ledger) fails if one does. Add new states with new numbers only.
//
//   submit ─▶ scheduled ──agent accepts──▶ running ──success──────────▶ completed
//               │   ▲                      │  │  └─fatal / exhausted──▶ failed
//               │   └─retryable / expired──┘  │
//          stop │                        stop ▼
//               │                       stop_requested ──ack──▶ stopping
//               ▼                             │                    │
//            stopped ◀──── agent stopped / lease expired ──────────┘
//
// A timeout on running / stop_requested / stopping pushes a stop and ends in failed ("timeout").
//
// A held job (design §8.5: `create` without dispatch) waits outside the queue until `dispatch` schedules it, or a
// stop ends it stopped.
//
// A recipe job (design §8.3) is never leased itself: its steps run as jobs of their own (parent_id, step_id), and it
// moves scheduled → running when its first step starts, and ends completed, failed, stopped — or partial, when some
// steps failed while steps independent of them completed.
public enum JobState
{
    Scheduled = 1,
    Running = 2,
    StopRequested = 3,
    Stopping = 4,
    Stopped = 5,
    Completed = 6,
    Failed = 7,

    /// <summary>A recipe job that ended with some steps failed and steps independent of them completed.</summary>
    Partial = 8,

    /// <summary>Made but not queued: <c>dispatch</c> schedules it (design §8.5). Active, never leased.</summary>
    Held = 9,
}
