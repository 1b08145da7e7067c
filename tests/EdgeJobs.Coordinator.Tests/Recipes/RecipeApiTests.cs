using System.Net;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Recipes;

/// <summary>
/// Recipe jobs and stored recipes over REST v1 and /ordo: every refusal is a 400 naming the step and field (403 for a
/// missing scope) and leaves the ledger as it was; stored versions never change; another org's recipe is a 404.
/// </summary>
public class RecipeApiTests
{
    private const string Nap = """{"id":"nap","tool":"sleep","params":{"seconds":0}}""";

    private static string Job(string steps, string extra = "") =>
        $$"""{"recipe":{"name":"r","version":"1","steps":[{{steps}}]}{{(extra.Length > 0 ? "," + extra : "")}}}""";

    public static IEnumerable<Func<(string Body, string Code, string Field)>> Refusals()
    {
        // The recipe itself.
        yield return () => (Job("""{"id":"a","tool":"no-such-tool"}"""), "invalid_recipe", "$.recipe.steps[0].tool");
        yield return () => (Job("""{"id":"a","tool":"sleep","version":"9","params":{"seconds":0}}"""), "invalid_recipe", "$.recipe.steps[0].version");
        yield return () => (Job("""{"id":"a b","tool":"sleep","params":{"seconds":0}}"""), "invalid_recipe", "$.recipe.steps[0].id");
        yield return () => (Job(Nap + "," + Nap), "invalid_recipe", "$.recipe.steps[1].id");
        yield return () => (Job(""), "invalid_recipe", "$.recipe.steps");
        yield return () => (Job("""{"id":"a","tool":"sleep","params":{"seconds":0},"depends_on":["ghost"]}"""), "invalid_recipe", "$.recipe.steps[0].depends_on[0]");
        yield return () => (Job("""{"id":"a","tool":"sleep","params":{"seconds":0},"depends_on":["a"]}"""), "invalid_recipe", "$.recipe.steps[0].depends_on[0]");
        yield return () => (Job("""{"id":"a","tool":"sleep","params":{"seconds":0},"depends_on":["b"]},{"id":"b","tool":"sleep","params":{"seconds":0},"depends_on":["a"]}"""),
            "invalid_recipe", "$.recipe.steps[0].depends_on[0]");
        // A cycle made only by references to each other's output, and one mixing a reference with depends_on: named at
        // the field that makes the step wait for the next one on the cycle.
        yield return () => (Job("""{"id":"a","tool":"info","params":{"path":"step:b.output"}},{"id":"b","tool":"info","params":{"path":"step:a.output"}}"""),
            "invalid_recipe", "$.recipe.steps[0].params.path");
        yield return () => (Job("""{"id":"a","tool":"random-artifact","params":{"bytes":10},"depends_on":["c"]},{"id":"b","tool":"info","params":{"path":"step:a.output"}},{"id":"c","tool":"info","params":{"path":"step:b.output"}}"""),
            "invalid_recipe", "$.recipe.steps[0].depends_on[0]");
        yield return () => (Job("""{"id":"a","tool":"info","params":{"path":"step:ghost.output"}}"""), "invalid_recipe", "$.recipe.steps[0].params.path");
        yield return () => (Job("""{"id":"a","tool":"info","params":{"path":"step:nap"}}"""), "invalid_recipe", "$.recipe.steps[0].params.path");
        yield return () => (Job("""{"id":"a","tool":"info","params":{"path":"input:scene"}}"""), "invalid_recipe", "$.recipe.steps[0].params.path");
        yield return () => (Job("""{"id":"a","tool":"sleep","params":{"seconds":0},"retry":{"max_attempts":0}}"""), "invalid_recipe", "$.recipe.steps[0].retry.max_attempts");
        yield return () => (Job("""{"id":"a","tool":"sleep","params":{"seconds":0},"retry":{"backoff_s":-1}}"""), "invalid_recipe", "$.recipe.steps[0].retry.backoff_s");
        yield return () => (Job("""{"id":"a","tool":"sleep","params":{"seconds":0},"retry":{"backoff_s":90000}}"""), "invalid_recipe", "$.recipe.steps[0].retry.backoff_s");
        yield return () => (Job("""{"id":"a","tool":"sleep","params":{"seconds":0},"retry":{"max_backoff_s":10}}"""), "invalid_recipe", "$.recipe.steps[0].retry.max_backoff_s");
        yield return () => (Job("""{"id":"a","tool":"sleep","params":{"seconds":0},"retry":{"backoff_s":10,"max_backoff_s":5}}"""), "invalid_recipe", "$.recipe.steps[0].retry.max_backoff_s");
        yield return () => (Job("""{"id":"a","tool":"sleep","params":{"seconds":0},"timeout_s":-1}"""), "invalid_recipe", "$.recipe.steps[0].timeout_s");
        yield return () => (Job("""{"id":"a","tool":"sleep","params":{"seconds":-5}}"""), "invalid_recipe", "$.recipe.steps[0].params.seconds");
        yield return () => ("""{"recipe":{"name":"no name","version":"1","steps":[{"id":"a","tool":"sleep","params":{"seconds":0}}]}}""", "invalid_recipe", "$.recipe.name");
        yield return () => ("""{"recipe":{"name":"r","version":"1 2","steps":[{"id":"a","tool":"sleep","params":{"seconds":0}}]}}""", "invalid_recipe", "$.recipe.version");

        // The job's params, inputs and outputs for it.
        yield return () => (Job("""{"id":"a","tool":"sleep","params":{"seconds":"{param:how_long}"}}"""), "invalid_recipe", "$.params.a.how_long");
        yield return () => (Job("""{"id":"a","tool":"sleep","params":{"seconds":0},"param_keys":["fail"]}"""), "invalid_recipe", "$.params.a.fail");
        yield return () => (Job(Nap, "\"params\":{\"ghost\":{}}"), "invalid_recipe", "$.params.ghost");
        yield return () => (Job(Nap, "\"params\":{\"nap\":{\"fail\":true}}"), "invalid_recipe", "$.params.nap.fail");
        yield return () => (Job(Nap, "\"params\":[1]"), "invalid_recipe", "$.params");
        yield return () => (Job(Nap, "\"outputs\":{\"step:nap.output\":\"out/x\"}"), "invalid_recipe", "$.outputs['step:nap.output']");
        yield return () => (Job(Nap, "\"outputs\":{\"nap\":\"out/x\"}"), "invalid_recipe", "$.outputs['nap']");
        yield return () => (Job("""{"id":"a","tool":"random-artifact","params":{"bytes":10}}""", "\"outputs\":{\"step:a.output\":\"../escape.bin\"}"), "invalid_recipe", "$.outputs['step:a.output']");
        yield return () => (Job("""{"id":"a","tool":"info","params":{"path":"input:scene"}}""", "\"inputs\":{\"scene\":\"missing.tif\"}"), "invalid_params", "$.recipe.steps[0].params.path");
        yield return () => (Job("""{"id":"a","tool":"info","params":{"path":"input:scene"}}""", "\"inputs\":{\"scene\":\"/etc/passwd\"}"), "invalid_params", "$.recipe.steps[0].params.path");
        yield return () => (Job(Nap, "\"on_exit\":{\"url\":\"http://example.org/hook\"}"), "invalid_recipe", "$.on_exit.url");
        yield return () => (Job(Nap, "\"on_exit\":{\"url\":\"ftp://x/hook\"}"), "invalid_recipe", "$.on_exit.url");

        // What a recipe job does not take, or takes instead of a tool.
        yield return () => (Job(Nap, "\"tool\":\"sleep\""), "invalid_recipe", "$.tool");
        yield return () => (Job(Nap, "\"recipe_id\":1"), "invalid_recipe", "$.recipe_id");
        yield return () => (Job(Nap, "\"timeout_s\":5"), "invalid_recipe", "$.timeout_s");
        yield return () => ("""{"recipe_id":999}""", "invalid_recipe", "$.recipe_id");
        yield return () => ("""{"tool":"sleep","params":{"seconds":0},"inputs":{"a":"b"}}""", "invalid_body", "$.inputs");
        yield return () => ("""{"params":{"seconds":0}}""", "invalid_body", "$.tool");
    }

    [Test]
    [MethodDataSource(nameof(Refusals))]
    public async Task a_bad_recipe_job_is_refused_naming_the_field_and_changes_nothing(string body, string code, string field)
    {
        await using var api = await ApiServer.StartAsync();
        var before = await api.SnapshotAsync();

        using var response = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, body);

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        var problem = await ApiServer.ProblemAsync(response);
        await Assert.That(problem.ErrorCode).IsEqualTo(code);
        await Assert.That(problem.Errors!.Select(e => e.Path)).Contains(field);
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }

    /// <summary>The Ordo document's 400s: missing params, unknown executor, bad artifact references; each names the field and writes nothing.</summary>
    [Test]
    [Arguments("""{"id":"a","tool":"sleep","params":{"seconds":0},"param_keys":["fail"]}""", "$.params.a.fail")]
    [Arguments("""{"id":"a","tool":"REPROJECT_LAS","params":{}}""", "$.recipe.steps[0].tool")]
    [Arguments("""{"id":"a","tool":"info","params":{"path":"step:ghost.output"}}""", "$.recipe.steps[0].params.path")]
    public async Task ordo_refuses_what_its_document_says_with_a_400_naming_the_field(string step, string field)
    {
        await using var api = await ApiServer.StartAsync();
        var before = await api.SnapshotAsync();

        using var response = await api.SendAsync(HttpMethod.Post, "ordo/jobs", api.Bob, Job(step, "\"inputs\":{}"));

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That((await ApiServer.ProblemAsync(response)).Errors!.Select(e => e.Path)).Contains(field);
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }

    [Test]
    public async Task a_step_whose_tool_needs_a_scope_the_caller_lacks_is_a_403()
    {
        await using var api = await ApiServer.StartAsync();
        var before = await api.SnapshotAsync();

        using var response = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob,
            Job(Nap + """,{"id":"index","tool":"rescan-index","params":{}}""", "\"dataset\":\"default/ds\""));

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }

    [Test]
    public async Task an_accepted_recipe_job_reads_with_its_steps_and_progress_and_is_not_a_tool_job()
    {
        await using var api = await ApiServer.StartAsync();

        using var submitted = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob,
            Job(Nap + """,{"id":"after","tool":"sleep","params":{"seconds":0},"depends_on":["nap"]}"""));

        await Assert.That(submitted.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        var job = (await ApiServer.ReadAsync(submitted, RestJsonContext.Default.JobDto))!;
        await Assert.That(job.Tool).IsEqualTo("recipe");
        await Assert.That(job.Status).IsEqualTo("scheduled");
        using var get = await api.GetAsync($"v1/jobs/{job.Id}", api.Bob);
        var read = (await ApiServer.ReadAsync(get, RestJsonContext.Default.JobDto))!;
        await Assert.That(read.Steps!.Select(s => (s.Id, s.Status, s.JobId is null)).ToArray())
            .IsEquivalentTo(new[] { ("nap", "pending", false), ("after", "pending", true) }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(read.Progress!.TotalSteps).IsEqualTo(2);
        await Assert.That(read.Progress!.CompletedSteps).IsEqualTo(0);
        await Assert.That(read.Timeline!.Count).IsEqualTo(0);

        // Its step job is a job of its own (log, events, artifact), listed only under the recipe job.
        var stepJobId = read.Steps![0].JobId!.Value;
        using var stepJob = await api.GetAsync($"v1/jobs/{stepJobId}", api.Bob);
        await Assert.That((await ApiServer.ReadAsync(stepJob, RestJsonContext.Default.JobDto))!.Step).IsEqualTo("nap");
        using var list = await api.GetAsync("v1/jobs?status=all", api.Bob);
        await Assert.That((await ApiServer.ReadAsync(list, RestJsonContext.Default.JobListDto))!.Jobs.Select(j => j.Id).ToArray()).IsEquivalentTo(new[] { job.Id }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        using var deleteStep = await api.SendAsync(HttpMethod.Delete, $"v1/jobs/{stepJobId}", api.Bob);
        await Assert.That(deleteStep.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
        await Assert.That((await ApiServer.ProblemAsync(deleteStep)).ErrorCode).IsEqualTo("step_job");

        using var stop = await api.SendAsync(HttpMethod.Post, $"v1/jobs/{job.Id}/stop", api.Bob);
        await Assert.That((await ApiServer.ReadAsync(stop, RestJsonContext.Default.JobDto))!.Status).IsEqualTo("stopped");
    }

    [Test]
    public async Task validate_and_estimate_take_recipe_jobs_without_writing_anything()
    {
        await using var api = await ApiServer.StartAsync();
        var before = await api.SnapshotAsync();
        var body = Job("""{"id":"a","tool":"sleep","params":{"seconds":30}},{"id":"b","tool":"sleep","params":{"seconds":12}}""");

        using var validate = await api.SendAsync(HttpMethod.Post, "v1/jobs/validate", api.Bob, body);
        using var estimate = await api.SendAsync(HttpMethod.Post, "v1/jobs/estimate", api.Bob, body);

        await Assert.That(validate.StatusCode).IsEqualTo(HttpStatusCode.NoContent);
        await Assert.That((await ApiServer.ReadAsync(estimate, RestJsonContext.Default.EstimateDto))!.EstimatedSeconds).IsEqualTo(42);
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }

    [Test]
    public async Task stored_recipe_versions_never_change_and_jobs_run_them_by_id()
    {
        await using var api = await ApiServer.StartAsync();
        const string recipe = """{"name":"naps","version":"1","steps":[{"id":"nap","tool":"sleep","params":{"seconds":0}}]}""";

        using var created = await api.SendAsync(HttpMethod.Post, "v1/recipes", api.Bob, recipe);
        using var again = await api.SendAsync(HttpMethod.Post, "v1/recipes", api.Bob, recipe);
        using var changed = await api.SendAsync(HttpMethod.Post, "v1/recipes", api.Bob, recipe.Replace("\"seconds\":0", "\"seconds\":1", StringComparison.Ordinal));
        using var invalid = await api.SendAsync(HttpMethod.Post, "v1/recipes", api.Bob, recipe.Replace("sleep", "nope", StringComparison.Ordinal).Replace("\"1\"", "\"2\"", StringComparison.Ordinal));

        await Assert.That(created.StatusCode).IsEqualTo(HttpStatusCode.Created);
        var id = (await ApiServer.ReadAsync(created, RestJsonContext.Default.RecipeCreatedDto))!.Id;
        await Assert.That(again.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That((await ApiServer.ReadAsync(again, RestJsonContext.Default.RecipeCreatedDto))!.Id).IsEqualTo(id);
        await Assert.That(changed.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
        await Assert.That((await ApiServer.ProblemAsync(changed)).ErrorCode).IsEqualTo("recipe_version_exists");
        await Assert.That(invalid.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That((await ApiServer.ProblemAsync(invalid)).Errors!.Select(e => e.Path)).Contains("$.steps[0].tool");

        using var read = await api.GetAsync($"v1/recipes/{id}", api.Bob);
        await Assert.That((await ApiServer.ReadAsync(read, RestJsonContext.Default.RecipeDto))!.Steps[0].Tool).IsEqualTo("sleep");
        using var list = await api.GetAsync("v1/recipes?name=naps", api.Bob);
        await Assert.That((await ApiServer.ReadAsync(list, RestJsonContext.Default.RecipeListDto))!.Recipes.Count).IsEqualTo(1);

        using var job = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, $$"""{"recipe_id":{{id}}}""");
        await Assert.That(job.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        var jobId = (await ApiServer.ReadAsync(job, RestJsonContext.Default.JobDto))!.Id;
        using var jobRead = await api.GetAsync($"v1/jobs/{jobId}", api.Bob);
        var recipeOfJob = (await ApiServer.ReadAsync(jobRead, RestJsonContext.Default.JobDto))!.Recipe!;
        await Assert.That(recipeOfJob.Id).IsEqualTo(id);
        await Assert.That(recipeOfJob.Name).IsEqualTo("naps");
    }

    [Test]
    public async Task another_org_s_recipe_does_not_exist_for_the_caller()
    {
        await using var api = await ApiServer.StartAsync();
        var acme = await api.MintInOrgAsync("acme-writer", "acme", Scopes.JobsRead, Scopes.JobsWrite);
        using var created = await api.SendAsync(HttpMethod.Post, "v1/recipes", acme, """{"name":"secret","version":"1","steps":[{"id":"nap","tool":"sleep","params":{"seconds":0}}]}""");
        var id = (await ApiServer.ReadAsync(created, RestJsonContext.Default.RecipeCreatedDto))!.Id;

        using var read = await api.GetAsync($"v1/recipes/{id}", api.Bob);
        using var list = await api.GetAsync("v1/recipes", api.Bob);
        using var run = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, $$"""{"recipe_id":{{id}}}""");

        await Assert.That(read.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That((await ApiServer.ReadAsync(list, RestJsonContext.Default.RecipeListDto))!.Recipes.Count).IsEqualTo(0);
        await Assert.That(run.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That((await ApiServer.ProblemAsync(run)).Errors!.Select(e => e.Path)).Contains("$.recipe_id");
    }

    [Test]
    [Arguments("GET", "v1/recipes/abc", 400)]
    [Arguments("GET", "v1/recipes/0", 400)]
    [Arguments("GET", "v1/recipes/77", 404)]
    [Arguments("GET", "v1/recipes?colour=red", 400)]
    [Arguments("GET", "ordo/jobs/abc", 400)]
    [Arguments("GET", "ordo/jobs/77", 404)]
    [Arguments("GET", "ordo/jobs?colour=red", 400)]
    public async Task bad_ids_and_filters_are_refused(string method, string path, int status)
    {
        await using var api = await ApiServer.StartAsync();

        using var response = await api.SendAsync(new HttpMethod(method), path, api.Bob);

        await Assert.That((int)response.StatusCode).IsEqualTo(status);
    }

    [Test]
    [Arguments("POST", "ordo/jobs")]
    [Arguments("GET", "ordo/jobs")]
    [Arguments("GET", "ordo/jobs/1")]
    [Arguments("POST", "v1/recipes")]
    [Arguments("GET", "v1/recipes")]
    public async Task without_a_token_the_answer_is_401(string method, string path)
    {
        await using var api = await ApiServer.StartAsync();

        using var response = await api.SendAsync(new HttpMethod(method), path, null, method == "POST" ? "{}" : null);

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task an_ordo_submit_without_inputs_or_recipe_is_a_400_naming_it()
    {
        await using var api = await ApiServer.StartAsync();

        using var noInputs = await api.SendAsync(HttpMethod.Post, "ordo/jobs", api.Bob, Job(Nap));
        using var noRecipe = await api.SendAsync(HttpMethod.Post, "ordo/jobs", api.Bob, """{"inputs":{}}""");
        using var unknown = await api.SendAsync(HttpMethod.Post, "ordo/jobs", api.Bob, """{"inputs":{},"recipe_id":1,"colour":"red"}""");

        await Assert.That((await ApiServer.ProblemAsync(noInputs)).Errors!.Select(e => e.Path)).Contains("$.inputs");
        await Assert.That((await ApiServer.ProblemAsync(noRecipe)).Errors!.Select(e => e.Path)).Contains("$.recipe");
        await Assert.That(unknown.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
    }

    /// <summary>Ordo's own words for an outcome that is not plain success: a partial job, a failed step, a skipped one; and a stored recipe by id.</summary>
    [Test]
    public async Task ordo_names_a_partial_job_and_its_failed_and_skipped_steps_in_its_own_words()
    {
        await using var api = await ApiServer.StartAsync();
        using var stored = await api.SendAsync(HttpMethod.Post, "v1/recipes", api.Bob, """
            {"name":"mixed","version":"1","steps":[
               {"id":"ok","tool":"sleep","params":{"seconds":0}},
               {"id":"bad","tool":"sleep","params":{"seconds":0},"continue_on_failure":true},
               {"id":"after","tool":"sleep","params":{"seconds":0},"depends_on":["bad"]}]}
            """);
        await Assert.That(stored.StatusCode).IsEqualTo(HttpStatusCode.Created);
        var recipeId = (await ApiServer.ReadAsync(stored, RestJsonContext.Default.RecipeCreatedDto))!.Id;
        using var submitted = await api.SendAsync(HttpMethod.Post, "ordo/jobs", api.Bob, "{\"recipe_id\":" + recipeId + ",\"inputs\":{}}");
        await Assert.That(submitted.StatusCode).IsEqualTo(HttpStatusCode.Created).Because(await submitted.Content.ReadAsStringAsync());
        using var created = System.Text.Json.JsonDocument.Parse(await submitted.Content.ReadAsStringAsync());
        var id = created.RootElement.GetProperty("id").GetInt64();

        var ok = (await RecipeJobs.StepJobAsync(api.Ledger, id, "ok"))!;
        var running = await JobWalker.RunAsync(api.Ledger, ok.Id, JobWalker.Node);
        await api.Ledger.FinishAsync(ok.Id, running.Fence, new EdgeJobs.Coordinator.Ledger.FinishReport(EdgeJobs.Coordinator.Ledger.FinishOutcome.Succeeded));
        var bad = (await RecipeJobs.StepJobAsync(api.Ledger, id, "bad"))!;
        running = await JobWalker.RunAsync(api.Ledger, bad.Id, JobWalker.Node);
        await api.Ledger.FinishAsync(bad.Id, running.Fence, new EdgeJobs.Coordinator.Ledger.FinishReport(EdgeJobs.Coordinator.Ledger.FinishOutcome.FatalFailure, "boom", "it broke"));

        using var read = await api.GetAsync($"ordo/jobs/{id}", api.Bob);
        using var body = System.Text.Json.JsonDocument.Parse(await read.Content.ReadAsStringAsync());
        var job = body.RootElement.GetProperty("job");
        await Assert.That(job.GetProperty("status").GetString()).IsEqualTo("partial");
        await Assert.That(job.GetProperty("recipe_id").GetInt64()).IsEqualTo(recipeId);
        var steps = body.RootElement.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("step_id").GetString()!, s => s.GetProperty("status").GetString());
        await Assert.That(steps["ok"]).IsEqualTo("success");
        await Assert.That(steps["bad"]).IsEqualTo("failed");
        await Assert.That(steps["after"]).IsEqualTo("skipped");
        var progress = body.RootElement.GetProperty("progress");
        await Assert.That(progress.GetProperty("completed_steps").GetInt32()).IsEqualTo(1);
        await Assert.That(progress.GetProperty("total_steps").GetInt32()).IsEqualTo(3);
    }

    [Test]
    public async Task a_webhook_to_an_allowed_host_is_accepted()
    {
        await using var api = await ApiServer.StartAsync(configure: o => o with { WebhookAllow = ["hooks.example.org"] });

        using var response = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, Job(Nap, "\"on_exit\":{\"url\":\"https://hooks.example.org/done\"}"));

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        var id = (await ApiServer.ReadAsync(response, RestJsonContext.Default.JobDto))!.Id;
        using var read = await api.GetAsync($"v1/jobs/{id}", api.Bob);
        await Assert.That((await ApiServer.ReadAsync(read, RestJsonContext.Default.JobDto))!.Recipe!.OnExit!.Url).IsEqualTo("https://hooks.example.org/done");
    }

    /// <summary>
    /// Long text after short text through one ledger statement arrives whole: a cached command kept the size its first,
    /// shorter string was given and SQLite cut the next one to it (a stored recipe, a replayed answer).
    /// </summary>
    [Test]
    public async Task a_long_recipe_and_a_long_replayed_answer_after_short_ones_are_kept_whole()
    {
        await using var api = await ApiServer.StartAsync();
        string Naps(string name, int count) => $$"""{"name":"{{name}}","version":"1","steps":[{{string.Join(",", Enumerable.Range(0, count).Select(i => $$$"""{"id":"nap{{{i}}}","tool":"sleep","params":{"seconds":0}}"""))}}]}""";

        using var small = await api.SendAsync(HttpMethod.Post, "v1/recipes", api.Bob, Naps("small", 1));
        using var large = await api.SendAsync(HttpMethod.Post, "v1/recipes", api.Bob, Naps("large", 200));
        var id = (await ApiServer.ReadAsync(large, RestJsonContext.Default.RecipeCreatedDto))!.Id;
        using var read = await api.GetAsync($"v1/recipes/{id}", api.Bob);
        await Assert.That((await ApiServer.ReadAsync(read, RestJsonContext.Default.RecipeDto))!.Steps.Count).IsEqualTo(200);

        async Task<(HttpStatusCode Status, string Body)> SubmitAsync(string key, string body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/jobs") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", api.Bob);
            request.Headers.Add("Idempotency-Key", key);
            using var response = await api.Http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        await SubmitAsync("short", """{"tool":"sleep","params":{"seconds":0}}""");
        var longParams = "{" + string.Join(",", Enumerable.Range(0, 200).Select(i => $$"""
            "nap{{i}}":{"seconds":{{i}}}
            """.Trim())) + "}";
        var body = $$"""{"recipe":{"name":"r","version":"1","steps":[{{string.Join(",", Enumerable.Range(0, 200).Select(i => $$$"""{"id":"nap{{{i}}}","tool":"sleep","params":{"seconds":"{param:seconds}"}}"""))}}]},"params":{{longParams}}}""";
        var first = await SubmitAsync("long", body);
        var replay = await SubmitAsync("long", body);

        await Assert.That(first.Status).IsEqualTo(HttpStatusCode.Accepted);
        await Assert.That(first.Body.Length).IsGreaterThan(4000);
        await Assert.That(replay.Body).IsEqualTo(first.Body);
    }
}
