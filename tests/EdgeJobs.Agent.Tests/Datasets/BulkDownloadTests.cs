using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests.Datasets;

/// <summary><c>bulk-download</c>: entries, or the whole dataset, as one ZIP artifact that independent readers accept.</summary>
public sealed class BulkDownloadTests
{
    [Test]
    public async Task selected_entries_and_the_whole_dataset_come_back_as_a_zip_with_every_byte()
    {
        await using var h = await DatasetToolHarness.StartAsync();
        var files = new Dictionary<string, byte[]>
        {
            ["images/DJI_0001.JPG"] = Bytes(300_000, 1),
            ["images/DJI_0002.JPG"] = Bytes(200_000, 2),
            ["notes/readme.txt"] = Bytes(10, 3),
            ["empty.bin"] = [],
        };
        foreach (var (path, content) in files)
        {
            await h.PutAsync(path, content);
        }

        var selection = await h.RunAsync("bulk-download", """{"paths":["images/DJI_0002.JPG","notes/readme.txt"],"archive_name":"my-selection.zip"}""");
        var whole = await h.RunAsync("bulk-download", "{}");

        await Assert.That(selection.Status).IsEqualTo("completed");
        await Assert.That(whole.Status).IsEqualTo("completed");
        using (var download = await h.Http.GetAsync($"v1/jobs/{selection.Id}/artifact"))
        {
            await Assert.That(download.Content.Headers.ContentDisposition!.FileName!.Trim('"')).IsEqualTo("my-selection.zip");
            var read = Read(await download.Content.ReadAsByteArrayAsync());
            await Assert.That(read.Keys).IsEquivalentTo(new[] { "images/DJI_0002.JPG", "notes/readme.txt" });
            await Assert.That(read["images/DJI_0002.JPG"]).IsEqualTo(Hash(files["images/DJI_0002.JPG"]));
        }

        using (var download = await h.Http.GetAsync($"v1/jobs/{whole.Id}/artifact"))
        {
            await Assert.That(download.Content.Headers.ContentDisposition!.FileName!.Trim('"')).IsEqualTo("field.zip");
            var bytes = await download.Content.ReadAsByteArrayAsync();
            var read = Read(bytes);
            await Assert.That(read.Count).IsEqualTo(files.Count);
            foreach (var (path, content) in files)
            {
                await Assert.That(read[path]).IsEqualTo(Hash(content));
            }

            // An independent reader: Info-ZIP's unzip tests every entry's CRC.
            using var dir = new TempDir();
            await File.WriteAllBytesAsync(dir.File("field.zip"), bytes);
            var test = await GdalTool.RunAsync("unzip", "-t", dir.File("field.zip"));
            await Assert.That(test).Contains("No errors detected");
        }
    }

    [Test]
    public async Task bad_selections_are_refused_at_submit_and_make_no_job()
    {
        await using var h = await DatasetToolHarness.StartAsync();
        await h.PutAsync("a.txt", [1]);

        foreach (var (body, field) in new[]
        {
            ("""{"paths":["missing.txt"]}""", "$.params.paths[0]"),
            ("""{"paths":["../field/a.txt"]}""", "$.params.paths[0]"),
            ("""{"paths":[]}""", "$.params.paths"),
            ("""{"paths":["a.txt","a.txt"]}""", "$.params.paths"),
            ("""{"archive_name":"../x.zip"}""", "$.params.archive_name"),
            ("""{"archive_name":""}""", "$.params.archive_name"),
            ("""{"paths":["/etc/passwd"]}""", "$.params.paths[0]"),
            ("""{"paths":["a\u0001.txt"]}""", "$.params.paths[0]"),
            ("""{"archive_name":"dir/x.zip"}""", "$.params.archive_name"),
        })
        {
            using var refused = await h.PostJobAsync($$"""{"tool":"bulk-download","dataset":"default/field","params":{{body}}}""");
            await Assert.That(refused.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
            await Assert.That((await ApiServer.ProblemAsync(refused)).Errors!.Select(e => e.Path)).Contains(field);
        }

        using var list = await h.Http.GetAsync("v1/jobs?status=all");
        await Assert.That(await list.Content.ReadAsStringAsync()).Contains("\"jobs\":[]");
    }

    private static Dictionary<string, string> Read(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        return archive.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var stream = e.Open();
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        });
    }

    private static string Hash(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
