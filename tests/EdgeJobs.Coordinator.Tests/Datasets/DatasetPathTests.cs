using System.Net;
using System.Text.Json;
using EdgeJobs.Protocol.Datasets;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Datasets;

/// <summary>
/// Every path a dataset refuses — absolute, dot segments, empty segments, separators other than '/', control
/// characters, names and paths too long, broken Unicode — is a 400 naming the parameter, and changes nothing.
/// </summary>
public class DatasetPathTests
{
    private static readonly string s_longSegment = new('a', DatasetPaths.MaxSegmentBytes + 1);
    private static readonly string s_longMultibyteSegment = string.Concat(Enumerable.Repeat("é", 128));
    private static readonly string s_longPath = string.Join('/', Enumerable.Repeat(new string('b', 250), 5));

    public static IEnumerable<Func<string>> BadPaths()
    {
        foreach (var path in new[]
        {
            "", "/abs.tif", "/", "../x.tif", "a/../../x.tif", "a/..", "..", ".", "./a.tif", "a/./b.tif", "a//b.tif", "a/", "//a",
            "a\\b.tif", "..\\x.tif", "C:/x.tif", "c:x.tif", "a\0b.tif", "a\u0001b", "a\nb", "a\u007fb", "a\u0085b",
            s_longSegment, s_longMultibyteSegment, "d/" + s_longSegment + "/e", s_longPath,
        })
        {
            yield return () => path;
        }
    }

    [Test]
    [MethodDataSource(nameof(BadPaths))]
    public async Task the_rules_refuse_it(string path)
    {
        await Assert.That(DatasetPaths.Check(path, out _)).IsNotNull();
    }

    [Test]
    public async Task the_rules_refuse_broken_utf16()
    {
        // Only here: JSON and URLs cannot carry a lone surrogate to the coordinator (it arrives as U+FFFD).
        await Assert.That(DatasetPaths.Check("a\ud800b", out _)).IsNotNull();
        await Assert.That(DatasetPaths.Check("a\udc00", out _)).IsNotNull();
        await Assert.That(DatasetPaths.Check("a\ud83d\ude00.tif", out _)).IsNull();
    }

    [Test]
    [MethodDataSource(nameof(BadPaths))]
    public async Task a_move_from_or_to_it_is_400_naming_the_field_and_changes_nothing(string path)
    {
        await using var h = await DatasetHarness.StartAsync();
        (await h.PutFileAsync("a.tif", [1, 2, 3])).Dispose();
        var before = await h.StateAsync();
        var quoted = JsonSerializer.Serialize(path, EdgeJobs.Protocol.Rest.RestJsonContext.Default.String);

        foreach (var (body, field) in new[] { ($"{{\"from\":{quoted},\"to\":\"b.tif\"}}", "$.from"), ($"{{\"from\":\"a.tif\",\"to\":{quoted}}}", "$.to") })
        {
            using var response = await h.Api.SendAsync(HttpMethod.Post, $"{DatasetHarness.Base}/move", h.Acme, body);
            await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
            var problem = await ApiServer.ProblemAsync(response);
            await Assert.That(problem.ErrorCode).IsEqualTo("invalid_path");
            await Assert.That(problem.Errors!.Select(e => e.Path)).IsEquivalentTo([field], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        }

        await Assert.That(await h.StateAsync()).IsEqualTo(before);
    }

    /// <summary>Paths as a URL carries them (what reaches the route after Kestrel's own decoding).</summary>
    public static IEnumerable<Func<string>> BadUrlPaths()
    {
        foreach (var path in new[] { "a//b.tif", "a/", "a%5Cb.tif", "a%01b", "a%7Fb", "a%C2%85b", s_longSegment, "d/" + s_longSegment, s_longPath })
        {
            yield return () => path;
        }
    }

    [Test]
    [MethodDataSource(nameof(BadUrlPaths))]
    public async Task an_upload_download_or_delete_at_it_is_400_naming_path_and_changes_nothing(string urlPath)
    {
        await using var h = await DatasetHarness.StartAsync();
        (await h.PutFileAsync("a.tif", [1, 2, 3])).Dispose();
        var before = await h.StateAsync();

        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Get, HttpMethod.Delete })
        {
            using var response = await h.SendAsync(method, $"{DatasetHarness.Base}/files/{urlPath}", h.Acme, method == HttpMethod.Put ? new ByteArrayContent([9]) : null);
            await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
            var problem = await ApiServer.ProblemAsync(response);
            await Assert.That(problem.ErrorCode).IsEqualTo("invalid_path");
            await Assert.That(problem.Errors!.Select(e => e.Path)).IsEquivalentTo(["path"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        }

        await Assert.That(await h.StateAsync()).IsEqualTo(before);
    }

    [Test]
    [Arguments("a.tif")]
    [Arguments("scenes/2024/L7 ETMs (copy).tif")]
    [Arguments("...tif")]
    [Arguments(".hidden/a")]
    [Arguments("über/日本.tif")]
    public async Task ordinary_names_are_kept_as_given(string path)
    {
        await Assert.That(DatasetPaths.Check(path, out var normalized)).IsNull();
        await Assert.That(normalized).IsEqualTo(path);
    }

    [Test]
    [Arguments("a-1", true)]
    [Arguments("survey-2024", true)]
    [Arguments("-a", false)]
    [Arguments("A", false)]
    [Arguments("a_b", false)]
    [Arguments("a.b", false)]
    [Arguments("", false)]
    public async Task dataset_names_follow_the_org_rules(string name, bool valid)
    {
        await Assert.That(DatasetNames.IsValid(name)).IsEqualTo(valid);
    }

    [Test]
    [Arguments("Bad", "survey", "org")]
    [Arguments("acme", "Bad_Name", "ds")]
    [Arguments("acme", "-x", "ds")]
    public async Task a_malformed_org_or_dataset_name_is_400_naming_it(string org, string ds, string parameter)
    {
        await using var h = await DatasetHarness.StartAsync();
        var before = await h.StateAsync();

        foreach (var (method, suffix) in new[] { (HttpMethod.Put, ""), (HttpMethod.Get, "/entries"), (HttpMethod.Put, "/files/a.tif"), (HttpMethod.Delete, "") })
        {
            using var response = await h.Api.SendAsync(method, $"v1/datasets/{org}/{ds}{suffix}", h.Api.Admin);
            await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
            await Assert.That((await ApiServer.ProblemAsync(response)).Errors![0].Path).IsEqualTo(parameter);
        }

        await Assert.That(await h.StateAsync()).IsEqualTo(before);
    }
}
