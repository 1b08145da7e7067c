using System.Reflection;
using EdgeJobs.Coordinator.Ledger;

namespace EdgeJobs.Coordinator.Tests.Ledger;

/// <summary>
/// No code of the coordinator calls Dapper's <c>SqlMapper</c> itself: Dapper.AOT's interceptors replace every query with
/// generated code, and what is left calling SqlMapper — a query the generator could not intercept, or Dapper's own
/// <c>AsList</c> — runs SqlMapper's static constructor, whose reflection Native AOT cannot compile (the publish fails with
/// Dapper's IL2104). Use <c>RowLists.ToRowList</c>. The check reads the compiled IL, so it sees what the publish sees.
/// </summary>
public class SqlMapperFreeTests
{
    private const BindingFlags Declared =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    [Test]
    public async Task no_method_of_the_coordinator_calls_sqlmapper()
    {
        var calls = new List<string>();
        foreach (var type in typeof(JobLedger).Assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
            {
                foreach (var called in Called(method))
                {
                    if (called.DeclaringType?.FullName == "Dapper.SqlMapper")
                    {
                        calls.Add($"{type.FullName}.{method.Name} calls SqlMapper.{called.Name}");
                    }
                }
            }
        }

        await Assert.That(calls).IsEmpty();
    }

    [Test]
    public async Task the_check_sees_a_call_to_as_list()
    {
        var sample = typeof(SqlMapperFreeTests).GetMethod(nameof(UsesAsList), Declared)!;

        await Assert.That(Called(sample).Any(m => m.DeclaringType?.FullName == "Dapper.SqlMapper" && m.Name == "AsList")).IsTrue();
    }

    private static List<int> UsesAsList(IEnumerable<int> rows) => Dapper.SqlMapper.AsList(rows);

    /// <summary>The methods <paramref name="method"/>'s IL calls, creates or takes the address of.</summary>
    private static IEnumerable<MethodBase> Called(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        for (var i = 0; i + 4 < il.Length; i++)
        {
            // call, callvirt, newobj, and ldftn (0xFE 0x06) take a method token; a byte that only looks like one resolves
            // to nothing (or is caught), and a stray match on SqlMapper is as good as impossible.
            var isCall = il[i] is 0x28 or 0x6F or 0x73 || (il[i] == 0x06 && i > 0 && il[i - 1] == 0xFE);
            if (!isCall)
            {
                continue;
            }

            MethodBase? called;
            try
            {
                called = method.Module.ResolveMethod(BitConverter.ToInt32(il, i + 1),
                    method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null,
                    method.IsGenericMethod ? method.GetGenericArguments() : null);
            }
            catch (Exception e) when (e is ArgumentException or BadImageFormatException or MissingMethodException or TypeLoadException)
            {
                continue;
            }

            if (called is not null)
            {
                yield return called;
            }
        }
    }
}
