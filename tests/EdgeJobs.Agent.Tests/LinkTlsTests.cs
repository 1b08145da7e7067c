using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests;

/// <summary>TLS on the agent link: trusted agents connect and work; plain or untrusting ones cannot.</summary>
public class LinkTlsTests
{
    private static (string Cert, string Key) SelfSigned(TempDir dir)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=edgejobs-test-coordinator", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var cert = dir.File("link.crt");
        var keyFile = dir.File("link.key");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (cert, keyFile);
    }

    [Test]
    public async Task an_agent_trusting_the_coordinators_certificate_works_over_tls_and_others_cannot_connect()
    {
        using var dir = new TempDir();
        var tls = SelfSigned(dir);
        await using var cluster = await Cluster.StartAsync(linkTls: tls);

        var plain = await cluster.AddAgentAsync("plain", waitForConnection: false);
        var untrusting = await cluster.AddAgentAsync("untrusting", tls: true, waitForConnection: false);
        await cluster.AddAgentAsync("trusting", tls: true, tlsCa: tls.Cert);

        using var submit = await cluster.Api.SendAsync(HttpMethod.Post, "v1/jobs", cluster.Api.Bob, """{"tool":"sleep","force":true,"params":{"seconds":0.1}}""");
        var id = (await ApiServer.ReadAsync(submit, RestJsonContext.Default.JobDto))!.Id;
        var done = await cluster.WaitForStateAsync(id, s => s.IsTerminal(), TimeSpan.FromSeconds(20));

        await Assert.That(done.JobState).IsEqualTo(JobState.Completed);
        await Assert.That(plain.Connected).IsFalse();
        await Assert.That(untrusting.Connected).IsFalse();
        await Assert.That((await cluster.Ledger.ListNodesAsync()).Select(n => n.Name).ToArray()).IsEquivalentTo(new[] { "trusting" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }
}
