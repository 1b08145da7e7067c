using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Bench.EndToEnd;

/// <summary>
/// Campaigns at scale, in one run on one machine (design §8.4's targets): a batch of 10,000 records → 10,000 children
/// scheduled (REST batch to children committed, and the ledger's spawn transaction alone); the cascade stop of a batch
/// with 10,000 active children with idle agents (32 slots), until every child is terminal; the aggregate
/// (<c>GET /v1/campaigns/{id}</c>) at 100,000 children. `dotnet run -c Release --project bench/EdgeJobs.Bench -- campaigns`.
/// </summary>
internal static class CampaignProbe
{
    public static async Task RunAsync(int records = 10_000, int batches = 10)
    {
        await using (var cluster = await BenchCluster.StartAsync(agents: 0, slots: 0))
        {
            var root = Path.Combine(cluster.Server.Options.ResolvedDataRoot, "scenes");
            Directory.CreateDirectory(root);
            for (var i = 0; i < records; i++)
            {
                await File.WriteAllBytesAsync(Path.Combine(root, $"{i:D6}.tif"), []);
            }

            await PostAsync(cluster, "v1/campaigns", """
                {"id":"spawn","source":{"type":"data_root","root":"scenes","glob":"*.tif"},"template":{"tool":"info","params":{"path":"{record.path}"}}}
                """);
            var spawnRates = new List<double>();
            var stops = new List<double>();
            for (var b = 0; b < batches; b++)
            {
                // Each batch reads the same page again (force), then is stopped: its 10,000 scheduled children stop with it.
                var t0 = Stopwatch.GetTimestamp();
                var batch = await BatchAsync(cluster, "spawn", $$"""{"start_position":1,"max_records":{{records}},"force":true}""");
                while ((await cluster.Server.Ledger.GetCampaignBatchAsync(batch))!.SpawnedAt is null)
                {
                    await Task.Delay(1);
                }

                var spawned = Stopwatch.GetElapsedTime(t0);
                spawnRates.Add(records / spawned.TotalSeconds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"batch {b + 1}: {records} records → {records} children scheduled in {spawned.TotalMilliseconds:0} ms ({records / spawned.TotalSeconds:0} children/s, REST batch to children committed)"));
                var s0 = Stopwatch.GetTimestamp();
                await PostAsync(cluster, "v1/campaigns/spawn/stop", "{}");
                await WaitEndedAsync(cluster, batch);
                stops.Add(Stopwatch.GetElapsedTime(s0).TotalMilliseconds);
            }

            spawnRates.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"spawn: median {spawnRates[spawnRates.Count / 2]:0} children/s over {batches} batches of {records} (target ≥ 20,000)"));
            LatencyProbe.Report($"cascade stop of {records} scheduled children (no agents)", stops);

            // The ledger's own part: one transaction making 10,000 children (the page and their checks done).
            var ledgerSpawn = await LedgerSpawnAsync(records);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ledger spawn transaction alone: {records} children in {ledgerSpawn:0.0} ms ({records / ledgerSpawn * 1000:0} children/s)"));

            // The aggregate at 100,000 children and more: REST and the ledger's read alone.
            var total = (await cluster.Server.Ledger.GetCampaignAsync("spawn"))!.TotalChildren;
            var rest = new List<double>();
            var ledger = new List<double>();
            for (var i = 0; i < 2200; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                using var response = await cluster.Http.GetAsync("v1/campaigns/spawn");
                _ = await response.Content.ReadAsByteArrayAsync();
                response.EnsureSuccessStatusCode();
                var t1 = Stopwatch.GetTimestamp();
                await cluster.Server.Ledger.GetCampaignProgressAsync("spawn");
                if (i >= 200)
                {
                    rest.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
                    ledger.Add(Stopwatch.GetElapsedTime(t1).TotalMilliseconds);
                }
            }

            LatencyProbe.Report($"aggregate GET /v1/campaigns/{{id}} at {total} children (REST, target p99 ≤ 10 ms)", rest);
            LatencyProbe.Report($"aggregate ledger read at {total} children", ledger);
        }

        await using (var cluster = await BenchCluster.StartAsync(agents: 2, slots: 16))
        {
            var root = Path.Combine(cluster.Server.Options.ResolvedDataRoot, "cascade");
            Directory.CreateDirectory(root);
            for (var i = 0; i < records; i++)
            {
                await File.WriteAllBytesAsync(Path.Combine(root, $"{i:D6}"), []);
            }

            await PostAsync(cluster, "v1/campaigns", """
                {"id":"cascade","source":{"type":"data_root","root":"cascade"},"template":{"tool":"sleep","params":{"seconds":600}}}
                """);
            var batch = await BatchAsync(cluster, "cascade", $$"""{"max_records":{{records}}}""");
            while (cluster.Started.Count < 32)
            {
                await Task.Delay(5);
            }

            var t0 = Stopwatch.GetTimestamp();
            await PostAsync(cluster, "v1/campaigns/cascade/stop", "{}");
            var answered = Stopwatch.GetElapsedTime(t0);
            await WaitEndedAsync(cluster, batch);
            var ended = Stopwatch.GetElapsedTime(t0);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"cascade stop of a batch with {records} active children (32 running on 2 idle-otherwise agents): stop answered in {answered.TotalMilliseconds:0} ms, every child terminal in {ended.TotalMilliseconds:0} ms (target ≤ 1,000 ms)"));
        }
    }

    /// <summary>A ledger of its own (durable, as the coordinator's), with no batch reader to race: one spawn timed.</summary>
    private static async Task<double> LedgerSpawnAsync(int records)
    {
        var dir = Path.Combine(Path.GetTempPath(), "edgejobs-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            await using var ledger = Coordinator.Ledger.JobLedger.Open(Path.Combine(dir, "ledger.db"), new Coordinator.Ledger.LedgerOptions(), TimeProvider.System);
            var (_, campaign) = await ledger.CreateCampaignAsync(new Coordinator.Ledger.NewCampaign("direct", Orgs.Default, "bench", null, """{"type":"data_root"}""",
                """{"tool":"info","params":{"path":"{record.path}"}}""", null, null, false));
            var job = new Coordinator.Ledger.NewJob { Tool = Coordinator.Ledger.JobRow.CampaignBatchTool, ToolVersion = "1", Params = "{}", Owner = "bench" };
            var outcome = await ledger.SubmitBatchAsync(new Coordinator.Ledger.NewBatch(campaign.Num, job, 1, records, false,
                """{"token_id":0,"name":"bench","scopes":["jobs:write"],"org":null,"datasets":null}"""), new Coordinator.Ledger.SubmitPolicy());
            await ledger.StartBatchReadAsync(outcome.Job!.Id);
            var children = new StringBuilder("[");
            for (var i = 0; i < records; i++)
            {
                children.Append(CultureInfo.InvariantCulture, $$"""{{(i == 0 ? "" : ",")}}["info","1","{\"path\":\"scenes/{{i:D6}}.tif\"}",0,"bench","default",null,null,3,null,null,null]""");
            }

            children.Append(']');
            var t0 = Stopwatch.GetTimestamp();
            var result = await ledger.SpawnBatchAsync(outcome.Job.Id, children.ToString(), records, new Coordinator.Ledger.BatchPage(null, null));
            var elapsed = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            return result == Coordinator.Ledger.SpawnResult.Spawned ? elapsed : throw new InvalidOperationException("the spawn made nothing");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<string> PostAsync(BenchCluster cluster, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await cluster.Http.PostAsync(path, content);
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? body : throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {body}");
    }

    private static async Task<long> BatchAsync(BenchCluster cluster, string campaign, string json)
    {
        var body = await PostAsync(cluster, $"v1/campaigns/{campaign}/batches", json);
        var at = body.IndexOf("\"id\":", StringComparison.Ordinal) + 5;
        return long.Parse(body.AsSpan(at, body.IndexOf(',', at) - at), CultureInfo.InvariantCulture);
    }

    private static async Task WaitEndedAsync(BenchCluster cluster, long batch)
    {
        while (!(await cluster.Server.Ledger.GetJobAsync(batch))!.JobState.IsTerminal())
        {
            await Task.Delay(1);
        }
    }
}
