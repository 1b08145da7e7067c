namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary>The text of every <c>--help</c>.</summary>
internal static class Help
{
    private const string ClientFlags = """
          --url URL          coordinator REST address (EDGEJOBS_URL; default http://127.0.0.1:8080)
          --token-file FILE  bearer token file (EDGEJOBS_TOKEN_FILE); EDGEJOBS_TOKEN may hold the secret itself;
                             default: edgejobs-data/admin.token when it exists
          --json             print the API's JSON instead of a table
        """;

    public const string Main = """
        edgejobs — a job system for geospatial processing on edge and HPC nodes

        usage: edgejobs VERB [flags]        (edgejobs VERB --help for details)

        servers:
          up                 coordinator for one machine, with first-run defaults
          coordinator        the coordinator: ledger, REST API, agent link
          token create       mint an API token into the ledger
        clients (REST):
          submit TOOL        submit a job            tools      list the tool catalog
          jobs ls|get|logs|stop|rm|cleanup|download  manage jobs
          nodes [ls]|drain|enable                    the agents (jobs:admin)
        other:
          version            print the version

        Every flag has an environment variable: --data-dir is EDGEJOBS_DATA_DIR, and so on.
        """;

    public const string Coordinator = """
        usage: edgejobs coordinator --data-dir DIR [--http HOST:PORT] [--link HOST:PORT]
                                    [--local-agent-slots N] [--data-root DIR]
                                    [--log-format text|json] [--log-level LEVEL]

          --data-dir DIR          ledger, tokens and artifacts (required; created 0700)
          --http HOST:PORT        REST listener (default 127.0.0.1:8080)
          --link HOST:PORT        agent link listener (default 127.0.0.1:8081)
          --link-tls-cert FILE    PEM certificate (chain) for TLS on the agent link, with
          --link-tls-key FILE     its PEM private key; agents then need --tls
          --local-agent-slots N   run an embedded agent with N slots (default 0; `up`: one per core)
          --raster-threads N      the embedded agent: threads per raster job (default: one per core)
          --gdal-cache-mb N       the embedded agent: GDAL's block cache (default 64, or GDAL_CACHEMAX)
          --data-root DIR         where tool input paths resolve (default DATA_DIR/data)
          --log-format FORMAT     text (default) or json lines for journald and log shippers
          --log-level LEVEL       trace, debug, information (default), warning, error
          --lease-ttl D           a lease not renewed for D expires and its job is retried (default 30s)
          --heartbeat-interval D  how often agents report (default 5s); a node is down after 3 missed
          --max-active-jobs N     active jobs in all before submits get 429 (default 100000)
          --max-active-per-owner N  ... per owner (default 20000)
          --max-active-per-tool N   ... per tool (default 50000)
          --max-output-bytes N    a job's estimated output above this is refused with 413 (default 64 GiB)
          --dedup-lookback D      an identical submit returns a job completed within D (default 24h)
          --idempotency-ttl D     how long Idempotency-Key answers are kept (default 24h)
          --artifact-ttl D        how long job artifacts can be downloaded (default 24h; then 410)

        On first start it writes DATA_DIR/admin.token (jobs:read,jobs:write,jobs:admin) and
        DATA_DIR/agent.token (agent), mode 0600. SIGTERM or Ctrl+C stops it cleanly.
        """;

    public const string Up = """
        usage: edgejobs up [--data-dir DIR] [--data-root DIR] [coordinator flags]

        The coordinator for a single machine with first-run defaults: --data-dir ./edgejobs-data,
        REST on 127.0.0.1:8080. Runs in the foreground; Ctrl+C stops it.
        See `edgejobs coordinator --help` for every flag.
        """;

    public const string Token = """
        usage: edgejobs token create --data-dir DIR --scopes SCOPES [--name NAME] [--org ORG]

          --scopes SCOPES   comma list of jobs:read, jobs:write, jobs:admin, agent
          --name NAME       the token's name, recorded as the owner of the jobs it submits
                            (default: a random name)
          --org ORG         the org (tenant) the token acts in (default: default); it sees only that
                            org's jobs, and jobs:admin acts on all of them. The admin and agent tokens
                            minted at first start belong to no org and see every one.

        Prints the secret alone on stdout (for scripts); only its hash is stored.
        """;

    public static readonly string Submit = $"""
        usage: edgejobs submit TOOL [--param KEY=VALUE]... [--params-json JSON] [--version V]
                               [--priority N] [--max-attempts N] [--timeout SECONDS] [--wait]

          --param KEY=VALUE   one tool parameter; numbers, true/false and JSON values are sent as JSON
          --params-json JSON  all parameters as one JSON object instead of --param
          --priority N        -1000..1000, higher runs first (default 0)
          --max-attempts N    attempts before the job fails (default 3)
          --timeout SECONDS   fail the job if it runs longer
          --force             make a new job even if an identical one is active or recently completed
          --wait              wait for the job to end, with a progress bar; exit 0 only if it completed
        {ClientFlags}
        Prints the job's id on stdout: a new one, or an identical job's that is active or completed
        recently (said on stderr). Retries reuse one Idempotency-Key, so a retry never makes a second job.
        Example: edgejobs submit sleep --param seconds=2.5 --wait
        """;

    public static readonly string Jobs = $"""
        usage: edgejobs jobs ls [--status active|all|terminal|STATE,...] [--limit N] [--cursor ID] [--tool T] [--owner O]
               edgejobs jobs get ID
               edgejobs jobs logs ID [-f|--follow] [--since CURSOR]
               edgejobs jobs stop ID
               edgejobs jobs rm ID | edgejobs jobs rm --status terminal|completed|stopped|failed
               edgejobs jobs cleanup --older-than DURATION [--status completed,failed,...]
               edgejobs jobs download ID [-o FILE|DIR]   the job's artifact, SHA-256 verified

          States: scheduled, running, stop_requested, stopping, stopped, completed, failed.
          rm refuses active jobs (stop them first); rm --status and cleanup need jobs:admin.
          DURATION is 90s, 30m, 12h or 7d.
        {ClientFlags}
        """;

    public static readonly string Nodes = $"""
        usage: edgejobs nodes [ls]
               edgejobs nodes drain ID      no new jobs for this node; running ones finish
               edgejobs nodes enable ID     take jobs again

          States: ready, draining, down (not connected, or three heartbeats missed).
        {ClientFlags}
        """;

    public static readonly string Tools = $"""
        usage: edgejobs tools [ID]

          Without ID: the catalog. With ID: that tool with its params JSON Schema.
        {ClientFlags}
        """;
}
