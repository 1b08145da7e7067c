using System.Reflection;
using EdgeJobs.Coordinator.Api;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Tests.Api;

/// <summary>
/// Api/ asks the ledger for what it means (submit, stop, delete) and never holds a connection: handed one,
/// it could sequence SQL steps of its own, beside the ledger's rules. The check is on the compiled types,
/// compiler-made ones included, since a lambda's connection parameter never names its type in the source.
/// </summary>
public class ApiBoundaryTests
{
    private const BindingFlags Declared =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    [Test]
    public async Task no_type_in_the_api_namespace_touches_sqlite()
    {
        var api = typeof(JobsApi).Assembly.GetTypes().Where(t => t.Namespace == typeof(JobsApi).Namespace).ToList();

        await Assert.That(api).Contains(typeof(JobsApi));
        await Assert.That(SqliteUses(api)).IsEmpty();
    }

    [Test]
    public async Task no_type_in_the_datasets_namespace_touches_sqlite()
    {
        // The dataset files change only with their index, and the index is the ledger's: the store holds no connection either.
        var datasets = typeof(JobsApi).Assembly.GetTypes().Where(t => t.Namespace == typeof(EdgeJobs.Coordinator.Datasets.DatasetStore).Namespace).ToList();

        await Assert.That(datasets).Contains(typeof(EdgeJobs.Coordinator.Datasets.DatasetStore));
        await Assert.That(SqliteUses(datasets)).IsEmpty();
    }

    [Test]
    public async Task no_type_of_a_seed_facade_touches_sqlite()
    {
        // A facade is a mapping onto the same jobs: it asks the ledger by intention, like Api/, never with SQL of its own.
        var facades = typeof(JobsApi).Assembly.GetTypes().Where(t => t.Namespace?.StartsWith("EdgeJobs.Coordinator.Facades", StringComparison.Ordinal) == true).ToList();

        await Assert.That(facades).Contains(typeof(EdgeJobs.Coordinator.Facades.DroneDb.TasksApi));
        await Assert.That(SqliteUses(facades)).IsEmpty();
    }

    [Test]
    public async Task the_check_sees_a_connection_handed_to_a_lambda()
    {
        var sample = typeof(LambdaWithConnection).GetNestedTypes(Declared).Append(typeof(LambdaWithConnection));

        await Assert.That(SqliteUses(sample)).IsNotEmpty();
    }

    /// <summary>Every member of <paramref name="types"/> whose signature, field or local names a SQLite (or Dapper) type.</summary>
    private static List<string> SqliteUses(IEnumerable<Type> types)
    {
        var uses = new List<string>();
        foreach (var type in types)
        {
            void Check(string member, Type used)
            {
                if (IsSqlite(used))
                {
                    uses.Add($"{type.FullName}.{member}: {used}");
                }
            }

            foreach (var field in type.GetFields(Declared))
            {
                Check(field.Name, field.FieldType);
            }

            foreach (var property in type.GetProperties(Declared))
            {
                Check(property.Name, property.PropertyType);
            }

            foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
            {
                if (method is MethodInfo { ReturnType: var returns })
                {
                    Check(method.Name, returns);
                }

                foreach (var parameter in method.GetParameters())
                {
                    Check(method.Name, parameter.ParameterType);
                }

                foreach (var local in method.GetMethodBody()?.LocalVariables ?? [])
                {
                    Check(method.Name, local.LocalType);
                }
            }
        }

        return uses;
    }

    private static bool IsSqlite(Type type)
    {
        if (type.HasElementType)
        {
            return IsSqlite(type.GetElementType()!);
        }

        if (type.IsGenericType && type.GetGenericArguments().Any(IsSqlite))
        {
            return true;
        }

        return type.Namespace is { } ns
            && (ns.StartsWith("Microsoft.Data.Sqlite", StringComparison.Ordinal)
                || ns.StartsWith("SQLitePCL", StringComparison.Ordinal)
                || ns.StartsWith("Dapper", StringComparison.Ordinal));
    }

    /// <summary>
    /// What the API once did: a lambda, capturing a local, handed to a ledger method that runs it with its
    /// connection. Only the lambda's compiled method names the connection; its caller's signature does not.
    /// </summary>
    private static class LambdaWithConnection
    {
        public static string Run(long id) => Write(c => $"{c.DataSource} {id}");
    }

    private static string Write(Func<SqliteConnection, string> operation) => operation(new SqliteConnection());
}
