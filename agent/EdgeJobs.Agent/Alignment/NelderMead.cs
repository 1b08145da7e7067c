namespace EdgeJobs.Agent.Alignment;

/// <summary>The Nelder–Mead simplex method: minimises a function of a few variables without derivatives.</summary>
internal static class NelderMead
{
    public static double[] Minimize(Func<double[], double> f, double[] start, double[] steps, double tolerance, int maxEvaluations, CancellationToken cancellation)
    {
        var dimensions = start.Length;
        var simplex = new double[dimensions + 1][];
        var values = new double[dimensions + 1];
        simplex[0] = (double[])start.Clone();
        for (var i = 0; i < dimensions; i++)
        {
            simplex[i + 1] = (double[])start.Clone();
            simplex[i + 1][i] += steps[i];
        }

        for (var i = 0; i <= dimensions; i++)
        {
            values[i] = f(simplex[i]);
        }

        var evaluations = dimensions + 1;
        while (evaluations < maxEvaluations)
        {
            cancellation.ThrowIfCancellationRequested();
            Array.Sort(values, simplex);
            if (Math.Abs(values[dimensions] - values[0]) < tolerance)
            {
                break;
            }

            var centroid = new double[dimensions];
            for (var i = 0; i < dimensions; i++)
            {
                for (var d = 0; d < dimensions; d++)
                {
                    centroid[d] += simplex[i][d] / dimensions;
                }
            }

            double[] Toward(double factor) => [.. centroid.Select((c, d) => c + (factor * (simplex[dimensions][d] - c)))];

            var reflected = Toward(-1);
            var fr = f(reflected);
            evaluations++;
            if (fr < values[0])
            {
                var expanded = Toward(-2);
                var fe = f(expanded);
                evaluations++;
                (simplex[dimensions], values[dimensions]) = fe < fr ? (expanded, fe) : (reflected, fr);
            }
            else if (fr < values[dimensions - 1])
            {
                (simplex[dimensions], values[dimensions]) = (reflected, fr);
            }
            else
            {
                var contracted = Toward(fr < values[dimensions] ? -0.5 : 0.5);
                var fc = f(contracted);
                evaluations++;
                if (fc < Math.Min(fr, values[dimensions]))
                {
                    (simplex[dimensions], values[dimensions]) = (contracted, fc);
                }
                else
                {
                    // Shrink everything toward the best point.
                    for (var i = 1; i <= dimensions; i++)
                    {
                        simplex[i] = [.. simplex[i].Select((v, d) => simplex[0][d] + (0.5 * (v - simplex[0][d])))];
                        values[i] = f(simplex[i]);
                        evaluations++;
                    }
                }
            }
        }

        Array.Sort(values, simplex);
        return simplex[0];
    }
}
