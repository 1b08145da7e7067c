using System.Net;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Slurm;

/// <summary>The allocations routes without a Slurm queue configured: an empty list, and refusals that change nothing.</summary>
public class AllocationsApiTests
{
    [Test]
    public async Task resuming_without_slurm_or_a_queue_of_that_name_is_a_404_and_only_an_admin_may_ask()
    {
        await using var api = await ApiServer.StartAsync();

        using var list = await api.GetAsync("v1/allocations", api.Admin);
        using var resume = await api.SendAsync(HttpMethod.Post, "v1/allocations/queues/default/resume", api.Admin);
        using var writer = await api.SendAsync(HttpMethod.Post, "v1/allocations/queues/default/resume", api.Bob);

        await Assert.That(list.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(await list.Content.ReadAsStringAsync()).IsEqualTo("""{"queues":[],"allocations":[]}""");
        await Assert.That(resume.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        var problem = await ApiServer.ProblemAsync(resume);
        await Assert.That(problem.ErrorCode).IsEqualTo("queue_not_found");
        await Assert.That(problem.Detail!).Contains("no Slurm queue is configured");
        await Assert.That(writer.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
    }
}
