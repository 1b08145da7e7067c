using System.Reflection;
using System.Runtime.InteropServices;
using System.Xml.Linq;
using EdgeJobs.Coordinator.Ledger;

namespace EdgeJobs.Coordinator.Tests.Ledger;

/// <summary>
/// The coordinator's native imports (SQLite's C API, fdatasync) are declared in <c>Interop/</c> only, and
/// name libraries the published binary binds at link time: a library the Host's project does not list as
/// <c>DirectPInvoke</c> would be looked up at run time, in a binary that ships without libsqlite3.
/// </summary>
public class NativeImportsTests
{
    private const BindingFlags Declared =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    [Test]
    public async Task every_native_import_is_in_interop_and_names_a_library_the_binary_links()
    {
        // [LibraryImport] compiles to a P/Invoke (its own method, or a stub inside it) on the declaring class.
        var imports = typeof(JobLedger).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(Declared))
            .Where(m => m.Attributes.HasFlag(MethodAttributes.PinvokeImpl))
            .Select(m => (Type: m.DeclaringType!.FullName!, Library: m.GetCustomAttribute<DllImportAttribute>()!.Value))
            .ToList();
        var linked = XDocument.Load(Path.Combine(RepoRoot(), "coordinator", "EdgeJobs.Coordinator.Host", "EdgeJobs.Coordinator.Host.csproj"))
            .Descendants("DirectPInvoke")
            .Select(e => (string?)e.Attribute("Include"))
            .ToHashSet();

        await Assert.That(imports.Select(i => i.Library).Distinct().Order()).IsEquivalentTo(["libc", "sqlite3"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(imports.Where(i => !i.Type.StartsWith("EdgeJobs.Coordinator.Interop+", StringComparison.Ordinal))).IsEmpty();
        await Assert.That(imports.Where(i => !linked.Contains(i.Library))).IsEmpty();
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeJobs.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no EdgeJobs.sln above {AppContext.BaseDirectory}");
    }
}
