using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace EdgeJobs.Smoke.Tests;

/// <summary>
/// Credits on the published binary: the coordinator killed with SIGKILL while executes and registers race for a
/// workspace's credits, and the README's Geopera walk.
/// </summary>
public class CreditsBinaryTests
{
    /// <summary>
    /// The ledger's credit books balance: the workspace's totals are its trail's sums, its reservations are its open
    /// ones, every paid job has one reservation, and nothing was spent twice or went below zero.
    /// </summary>
    private static async Task AssertBooksBalanceAsync(CoordinatorProcess coordinator)
    {
        var ledger = Path.Combine(coordinator.DataDir, "ledger.db");
        var (_, books, _) = await Binary.RunAsync("sqlite3", [ledger, """
            SELECT
              (SELECT balance FROM workspaces) = (SELECT sum(amount) FROM credit_events),
              (SELECT reserved FROM workspaces) = (SELECT sum(reserved_delta) FROM credit_events),
              (SELECT reserved FROM workspaces) = (SELECT coalesce(sum(amount), 0) FROM credit_reservations WHERE settled_at IS NULL),
              (SELECT balance FROM workspaces) = 100000 - (SELECT coalesce(sum(charged), 0) FROM credit_reservations),
              (SELECT balance >= reserved AND reserved >= 0 FROM workspaces),
              (SELECT count(*) FROM jobs WHERE workspace IS NOT NULL) = (SELECT count(*) FROM credit_reservations),
              (SELECT count(*) FROM credit_reservations r JOIN jobs j ON j.id = r.job_id WHERE r.settled_at IS NOT NULL AND j.state NOT IN (5, 6, 7)),
              (SELECT count(*) FROM credit_reservations r JOIN jobs j ON j.id = r.job_id WHERE r.settled_at IS NULL AND j.state IN (5, 7));
            """]);
        await Assert.That(books.Trim()).IsEqualTo("1|1|1|1|1|1|0|0");
    }

    [Test]
    public async Task killing_the_coordinator_while_executes_and_registers_race_leaves_the_books_balanced()
    {
        await using var coordinator = new CoordinatorProcess("--local-agent-slots", "2", "--lease-ttl", "2s", "--heartbeat-interval", "0.3s",
            "--prices", await PricesAsync());
        await coordinator.StartAsync();
        await SendAsync(coordinator, "v1/workspaces", """{"id":"survey","credits":100}""", HttpStatusCode.Created);

        // 1. Killed while 150 executes race for 100 credits.
        var executes = Enumerable.Range(0, 150).Select(i => TryAsync(coordinator, "v1/op/processing.execute",
            "{\"process_id\":\"sleep\",\"workspaceId\":\"survey\",\"inputs\":{\"seconds\":" + (0.2 + i / 1000.0).ToString(CultureInfo.InvariantCulture) + "}}")).ToList();
        await WaitForAsync(() => Task.FromResult(executes.Count(t => t.IsCompleted) >= 30));
        coordinator.Process!.KillHard();
        await Task.WhenAll(executes);
        await coordinator.StartAsync();
        await AssertBooksBalanceAsync(coordinator);
        var accepted = executes.Count(t => t.Result == HttpStatusCode.Created);
        await Assert.That(accepted).IsGreaterThanOrEqualTo(30).Because("answers given before the kill");

        // 2. Every paid job ends; registers race with the kill, then every completed job is registered.
        await WaitForAsync(async () => await ScalarAsync(coordinator, "SELECT count(*) FROM jobs WHERE workspace IS NOT NULL AND state NOT IN (5, 6, 7)") == "0");
        var completed = (await ScalarAsync(coordinator, "SELECT group_concat(id) FROM jobs WHERE workspace IS NOT NULL AND state = 6")).Split(',');
        var registers = completed.Select(id => TryAsync(coordinator, "v1/op/processing.job.register", $$"""{"job_id":"{{id}}","outputs":["out/{{id}}.tif"]}""")).ToList();
        await WaitForAsync(() => Task.FromResult(registers.Count(t => t.IsCompleted) >= completed.Length / 3));
        coordinator.Process!.KillHard();
        await Task.WhenAll(registers);
        await coordinator.StartAsync();
        await AssertBooksBalanceAsync(coordinator);
        foreach (var id in completed)
        {
            await SendAsync(coordinator, "v1/op/processing.job.register", $$"""{"job_id":"{{id}}","outputs":["out/{{id}}.tif"]}""", HttpStatusCode.OK);
        }

        // One credit per completed job was charged, once; nothing is reserved any more.
        await AssertBooksBalanceAsync(coordinator);
        var workspace = JsonElement.Parse(await coordinator.Http.GetStringAsync("v1/workspaces/survey"));
        await Assert.That(workspace.GetProperty("reserved").GetDecimal()).IsEqualTo(0m);
        await Assert.That(workspace.GetProperty("balance").GetDecimal()).IsEqualTo(100m - completed.Length);
        await Assert.That(await ScalarAsync(coordinator, "SELECT count(*) FROM job_registrations")).IsEqualTo(completed.Length.ToString(CultureInfo.InvariantCulture));
        await Assert.That(await coordinator.IntegrityCheckAsync()).IsEqualTo("ok");
    }

    /// <summary>README "Geopera operations": a workspace with 100 credits, estimate, execute, watch, register, the balance.</summary>
    [Test]
    public async Task the_readme_s_geopera_walk_runs_on_the_binary()
    {
        await using var coordinator = new CoordinatorProcess("--local-agent-slots", "2");
        var samples = Environment.GetEnvironmentVariable("EDGEJOBS_SAMPLES") ?? Path.Combine(Binary.Dist, "..", "samples");
        Directory.CreateDirectory(Path.Combine(coordinator.DataDir, "data", "landsat"));
        File.Copy(Path.Combine(samples, "L7_ETMs.tif"), Path.Combine(coordinator.DataDir, "data", "landsat", "L7_ETMs.tif"));
        await coordinator.StartAsync();

        var workspace = await SendAsync(coordinator, "v1/workspaces", """{"id": "survey", "credits": 100}""", HttpStatusCode.Created);
        var estimate = await SendAsync(coordinator, "v1/op/processing.catalog.estimate",
            """{"process_id": "raster-export", "inputs": {"path": "landsat/L7_ETMs.tif", "formula": "ndvi"}}""", HttpStatusCode.OK);
        var job = await SendAsync(coordinator, "v1/op/processing.execute", """
            {"process_id": "raster-export", "workspaceId": "survey",
                                    "inputs": {"path": "landsat/L7_ETMs.tif", "formula": "ndvi"}}
            """, HttpStatusCode.Created);
        var id = job.GetProperty("job_id").GetString();
        JsonElement read = default;
        await WaitForAsync(async () =>
        {
            read = await SendAsync(coordinator, "v1/op/processing.job.get", $$"""{"job_id": "{{id}}"}""", HttpStatusCode.OK);
            return read.GetProperty("status").GetString() is "completed" or "failed";
        });
        var settled = await SendAsync(coordinator, "v1/op/processing.job.register", $$"""{"job_id": "{{id}}", "outputs": ["ndvi.tif"]}""", HttpStatusCode.OK);
        var events = JsonElement.Parse(await coordinator.Http.GetStringAsync("v1/workspaces/survey/events"));

        await Assert.That(workspace.GetProperty("available").GetDecimal()).IsEqualTo(100m);
        var price = estimate.GetProperty("estimated_credits").GetDecimal();
        await Assert.That(price).IsGreaterThan(0m);
        await Assert.That(job.GetProperty("reserved_credits").GetDecimal()).IsEqualTo(price);
        await Assert.That(read.GetProperty("status").GetString()).IsEqualTo("completed");
        await Assert.That(read.GetProperty("artifact_url").GetString()).IsEqualTo($"/v1/jobs/{id}/artifact");
        var charged = settled.GetProperty("charged_credits").GetDecimal();
        await Assert.That(charged + settled.GetProperty("released_credits").GetDecimal()).IsEqualTo(price);
        await Assert.That(settled.GetProperty("measured_output_bytes").GetInt64()).IsGreaterThan(0);
        await Assert.That(settled.GetProperty("measured_cpu_seconds").ValueKind).IsEqualTo(JsonValueKind.Number).Because("the agent measures its CPU");
        await Assert.That(settled.GetProperty("workspace").GetProperty("balance").GetDecimal()).IsEqualTo(100m - charged);
        var kinds = events.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("kind").GetString()!).ToList();
        await Assert.That(kinds).IsEquivalentTo(["grant", "reserve", "settle"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task a_prices_file_that_is_missing_or_wrong_stops_the_coordinator_before_it_starts_with_the_reason()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "edgejobs-smoke", Guid.NewGuid().ToString("N"));
        var wrong = Path.Combine(Path.GetTempPath(), "edgejobs-smoke", Guid.NewGuid().ToString("N") + ".prices.json");
        Directory.CreateDirectory(Path.GetDirectoryName(wrong)!);
        await File.WriteAllTextAsync(wrong, """{"default": {"per_second": -1}}""");

        var missing = await Binary.RunAsync(Binary.EdgeJobs, ["coordinator", "--data-dir", dataDir, "--prices", "/nonexistent/prices.json"], timeout: TimeSpan.FromSeconds(30));
        var invalid = await Binary.RunAsync(Binary.EdgeJobs, ["coordinator", "--data-dir", dataDir, "--prices", wrong], timeout: TimeSpan.FromSeconds(30));

        await Assert.That(missing.Exit).IsEqualTo(2);
        await Assert.That(missing.Stderr).Contains("/nonexistent/prices.json");
        await Assert.That(invalid.Exit).IsEqualTo(2);
        await Assert.That(invalid.Stderr).Contains("--prices").And.Contains("per_second");
        await Assert.That(File.Exists(Path.Combine(dataDir, "ledger.db"))).IsFalse().Because("nothing is written before the flags are right");
    }

    private static async Task<string> PricesAsync()
    {
        var file = Path.Combine(Path.GetTempPath(), "edgejobs-smoke", Guid.NewGuid().ToString("N") + ".prices.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, """{"default": {"per_job": 1}}""");
        return file;
    }

    private static async Task<JsonElement> SendAsync(CoordinatorProcess coordinator, string path, string json, HttpStatusCode expected)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await coordinator.Http.PostAsync(path, content);
        var body = await response.Content.ReadAsStringAsync();
        return response.StatusCode == expected
            ? JsonElement.Parse(body)
            : throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}, not {(int)expected}: {body}");
    }

    /// <summary>A POST whose connection may be cut by the kill: its status, or 0 when no answer came.</summary>
    private static async Task<HttpStatusCode> TryAsync(CoordinatorProcess coordinator, string path, string json)
    {
        try
        {
            using var content = new StringContent(json, Encoding.UTF8, "application/json");
            using var response = await coordinator.Http.PostAsync(path, content);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    private static async Task<string> ScalarAsync(CoordinatorProcess coordinator, string sql)
    {
        var (exit, stdout, stderr) = await Binary.RunAsync("sqlite3", [Path.Combine(coordinator.DataDir, "ledger.db"), sql]);
        return exit == 0 ? stdout.Trim() : throw new InvalidOperationException($"sqlite3 failed: {stderr}");
    }

    private static async Task WaitForAsync(Func<Task<bool>> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the condition did not hold within 120 s");
            }

            await Task.Delay(50);
        }
    }
}
