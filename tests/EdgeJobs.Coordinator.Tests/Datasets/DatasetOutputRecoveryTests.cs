using System.Net;
using System.Security.Cryptography;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Datasets;

/// <summary>
/// A crash between the commit that completes a job on a dataset (its entry indexed) and the rename that puts its output in
/// place: at the next start the staged output of the completed job goes into place, and a staged output of a job that
/// did not complete is removed, leaving the old file.
/// </summary>
public class DatasetOutputRecoveryTests
{
    [Test]
    public async Task a_restart_puts_a_committed_output_in_place_and_removes_one_whose_job_did_not_complete()
    {
        byte[] committed = [1, 2, 3, 4, 5], uncommitted = [9, 9, 9];
        await using var api = await ApiServer.StartAsync();
        (await api.SendAsync(HttpMethod.Put, "v1/datasets/acme/field", api.Admin)).EnsureSuccessStatusCode();
        using (var upload = new HttpRequestMessage(HttpMethod.Put, "v1/datasets/acme/field/files/scenes/a.tif") { Content = new ByteArrayContent([0]) })
        {
            upload.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", api.Admin);
            (await api.Http.SendAsync(upload)).EnsureSuccessStatusCode();
        }

        var datasetDir = Path.Combine(api.Server.Options.DataDir, "datasets", "acme", "field");
        var incoming = Path.Combine(api.Server.Options.DataDir, "datasets", ".incoming", "acme", "field");
        var completedJob = await SubmitAsync(api, "cogs/done.tif");
        var runningJob = await SubmitAsync(api, "cogs/a.tif");

        // The first job's finish as DatasetOutputs makes it, up to the commit: staged, then the ledger completes the job
        // and indexes the entry. The process dies before the rename.
        var running = await JobWalker.RunAsync(api.Ledger, completedJob, JobWalker.Node);
        Directory.CreateDirectory(incoming);
        var staged = Path.Combine(incoming, $"job-{completedJob}.out");
        await File.WriteAllBytesAsync(staged, committed);
        var artifact = Path.Combine(api.Server.Options.DataDir, "artifact.bin"); // the artifact's own file, of which the staged one is a second name
        await File.WriteAllBytesAsync(artifact, committed);
        var sha = Convert.ToHexStringLower(SHA256.HashData(committed));
        var entry = new DatasetEntryRow { Path = "cogs/done.tif", Type = "raster", Size = committed.Length, Sha256 = sha, Mtime = 0 };
        var (finished, placed) = await api.Ledger.FinishIntoDatasetAsync(completedJob, running.Fence, [], new FinishReport(FinishOutcome.Succeeded),
            new ArtifactRecord(artifact, committed.Length, sha, DateTimeOffset.UtcNow.AddDays(1)), 0, null, "acme", "field", entry);
        await Assert.That(finished.IsOk && placed).IsTrue();

        // The second job is still running: its staged output was never committed.
        await JobWalker.RunAsync(api.Ledger, runningJob, JobWalker.Node);
        await File.WriteAllBytesAsync(Path.Combine(incoming, $"job-{runningJob}.out"), uncommitted);
        await Assert.That(File.Exists(Path.Combine(datasetDir, "cogs", "done.tif"))).IsFalse();

        // Restarted on the same data dir (disposing api afterwards is a no-op).
        await using var restarted = await api.RestartAsync();
        await Assert.That(await File.ReadAllBytesAsync(Path.Combine(datasetDir, "cogs", "done.tif"))).IsEquivalentTo(committed, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(File.Exists(Path.Combine(datasetDir, "cogs", "a.tif"))).IsFalse();
        await Assert.That(Directory.EnumerateFiles(incoming, "*.out")).IsEmpty();
        using var download = await restarted.GetAsync("v1/datasets/acme/field/files/cogs/done.tif", restarted.Admin);
        await Assert.That(download.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(await download.Content.ReadAsByteArrayAsync()).IsEquivalentTo(committed, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That((await restarted.Ledger.GetJobAsync(completedJob))!.JobState).IsEqualTo(JobState.Completed);
    }

    private static async Task<long> SubmitAsync(ApiServer api, string output)
    {
        using var submitted = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Admin,
            """{"tool":"build","force":true,"dataset":"acme/field","params":{"path":"scenes/a.tif","output":"@out@"}}""".Replace("@out@", output, StringComparison.Ordinal));
        await Assert.That(submitted.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        return (await ApiServer.ReadAsync(submitted, RestJsonContext.Default.JobDto))!.Id;
    }

    [Test]
    public async Task a_restart_after_a_directory_output_s_commit_finishes_its_folder_and_removes_the_old_files()
    {
        byte[] fresh = [4, 2];
        await using var api = await ApiServer.StartAsync();
        (await api.SendAsync(HttpMethod.Put, "v1/datasets/acme/field", api.Admin)).EnsureSuccessStatusCode();
        foreach (var (path, content) in new[] { ("scenes/a.tif", new byte[] { 0 }), ("results/ept/old.txt", new byte[] { 1 }) })
        {
            using var upload = new HttpRequestMessage(HttpMethod.Put, $"v1/datasets/acme/field/files/{path}") { Content = new ByteArrayContent(content) };
            upload.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", api.Admin);
            (await api.Http.SendAsync(upload)).EnsureSuccessStatusCode();
        }

        var job = await SubmitAsync(api, "cogs/x.tif");
        var running = await JobWalker.RunAsync(api.Ledger, job, JobWalker.Node);
        // The step's directory unpacked into its staging, with the folder it replaces named; the index replaced with the
        // job's end; then the process died before the folder was swapped (and after an earlier swap left an .old behind).
        var staging = Path.Combine(api.Server.Options.DataDir, "datasets", ".incoming", "acme", "field", $"job-{job}.extract");
        Directory.CreateDirectory(Path.Combine(staging, "results", "ept"));
        await File.WriteAllBytesAsync(Path.Combine(staging, "results", "ept", "new.txt"), fresh);
        await File.WriteAllTextAsync(staging + ".replaces", "results/ept");
        Directory.CreateDirectory(staging + ".old");
        var sha = Convert.ToHexStringLower(SHA256.HashData(fresh));
        var artifact = Path.Combine(api.Server.Options.DataDir, "ept.zip");
        await File.WriteAllBytesAsync(artifact, fresh);
        var row = new DatasetEntryRow { Path = "results/ept/new.txt", Type = "other", Size = fresh.Length, Sha256 = sha, Mtime = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() };
        var (finished, placed) = await api.Ledger.FinishIntoDatasetFolderAsync(job, running.Fence, [], new FinishReport(FinishOutcome.Succeeded),
            new ArtifactRecord(artifact, fresh.Length, sha, DateTimeOffset.UtcNow.AddDays(1)), 0, null, "acme", "field", "results/ept", [row]);
        await Assert.That(finished.State).IsEqualTo(JobState.Completed);
        await Assert.That(placed).IsTrue();

        await using var restarted = await api.RestartAsync();

        var folder = Path.Combine(restarted.Server.Options.DataDir, "datasets", "acme", "field", "results", "ept");
        await Assert.That(Directory.GetFiles(folder).Select(f => Path.GetFileName(f)!).ToArray()).IsEquivalentTo(["new.txt"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(await File.ReadAllBytesAsync(Path.Combine(folder, "new.txt"))).IsEquivalentTo(fresh, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(Directory.Exists(staging)).IsFalse();
        await Assert.That(Directory.Exists(staging + ".old")).IsFalse();
        await Assert.That(File.Exists(staging + ".replaces")).IsFalse();
        await Assert.That(await restarted.Ledger.GetEntryAsync("acme", "field", "results/ept/old.txt")).IsNull();
        await Assert.That((await restarted.Ledger.GetEntryAsync("acme", "field", "results/ept/new.txt"))!.Sha256).IsEqualTo(sha);
    }
}
