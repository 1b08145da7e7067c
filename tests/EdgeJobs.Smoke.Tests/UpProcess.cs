using System.Net;

namespace EdgeJobs.Smoke.Tests;

/// <summary>`edgejobs up` on free ports, ready, with the environment that points the CLI at it.</summary>
internal static class UpProcess
{
    public static async Task<(Proc Up, Dictionary<string, string> Env)> StartAsync(string dataDir)
    {
        var http = Binary.FreePort();
        var up = new Proc(Binary.EdgeJobs, "up", "--data-dir", dataDir, "--http", $"127.0.0.1:{http}",
            "--link", $"127.0.0.1:{Binary.FreePort()}", "--local-agent-slots", "2");
        var env = new Dictionary<string, string> { ["EDGEJOBS_URL"] = $"http://127.0.0.1:{http}", ["EDGEJOBS_TOKEN_FILE"] = Path.Combine(dataDir, "admin.token") };
        using var client = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var ready = await client.GetAsync($"http://127.0.0.1:{http}/readyz");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return (up, env);
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }
}
