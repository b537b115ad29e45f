using System.CommandLine;
using System.Globalization;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Cost;
using AttentionLego.Gen.Golden.Experiments;

namespace AttentionLego.Cli.Commands;

/// <summary><c>attnlego accuracy</c>: the bit-exact head against the float reference on seeded Gaussian data.</summary>
public static class AccuracyCommand
{
    public static Command Create(CliIo io)
    {
        var configOptions = new ConfigOptions();
        var tokens = new Option<int>("--tokens") { Description = "Tokens in the sequence, 1..Model.MaxSeqLen (default 64, or MaxSeqLen when smaller)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the random tokens and weights.", DefaultValueFactory = _ => 1 };
        tokens.AtLeast(1);
        seed.AtLeast(1);

        var command = configOptions.Command("accuracy", "Compare the bit-exact attention head with a double-precision reference on random data.", tokens, seed);
        command.SetAction((parse, ct) => CliApp.Guard(io, ct, async () =>
        {
            var (source, config) = configOptions.Load(parse);
            var count = parse.GetResult(tokens) is null ? Accuracy.DefaultTokens(config) : parse.GetValue(tokens);
            if (count > config.Model.MaxSeqLen)
            {
                await io.Err.WriteLineAsync($"error: --tokens {count} exceeds Model.MaxSeqLen ({config.Model.MaxSeqLen}) of {source.DisplayName}: " +
                                            $"the caches hold no more. Fix: use --tokens 1..{config.Model.MaxSeqLen}.");
                return ExitCodes.Usage;
            }

            // accuracy measures one head (Accuracy.Run), also of an array.
            RunCost.Check(RunCost.Golden(config, count, 1, "accuracy", wholeArray: false), Machine.Current, io.Err.WriteLine);
            var report = Accuracy.Run(config, parse.GetValue(seed), count, ct);
            var replay = $"scripts/attnlego accuracy {source.ToArguments()} --tokens {count} --seed {report.Seed}";
            await io.Out.WriteAsync(Format(source.DisplayName, ConfigHash.Of(config), config, report, replay));
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>The report as aligned text, one figure per line.</summary>
    internal static string Format(string name, string hash, AttentionConfig config, AccuracyReport r, string replay)
    {
        var s = r.Scales;
        var lut = r.Lut;
        var lines = new (string Label, string Text)[]
        {
            ("accuracy", $"{name} (config {hash}), seed {r.Seed}, {r.Tokens} tokens, {r.Outputs} outputs, {r.Elapsed.TotalSeconds:0.0} s"),
            ("formats", $"fraction bits x {s.Fx}, W {s.Fw}, q {s.Fq}, k {s.Fk}, v {s.Fv}, o {s.Fo} (1 LSB of o = 2^{-s.Fo}); " +
                        $"logit = s / 2^{s.ScoreShift}, tau = 2^{s.Fs - s.ScoreShift} = {G(s.Tau)} (1/sqrt(d_head) = {G(1 / Math.Sqrt(config.Model.DHead))})"),
            ("cosine", $"{r.Cosine:0.000000} over all outputs, min {r.MinTokenCosine:0.000000} (token {r.MinCosineToken})"),
            ("error", $"max {r.MaxErrorLsb:0.000} LSB, mean {r.MeanErrorLsb:0.000} LSB of o; float outputs have rms {r.OutputRmsLsb:0.0} LSB"),
            ("saturated", $"{r.SaturatedOutputs} of {r.Outputs} outputs at a rail of {config.Format.DataWidth} bits; " +
                          $"{r.FloatOutputsOutOfRange} float outputs outside that range"),
            ("probability", $"max error {r.MaxProbabilityErrorLsb:0.000} LSB of p (2^-{config.Softmax.ProbBits})"),
            ("softmax LUT", $"{lut.Entries} entries, max error {lut.MaxErrorLsb:0.000} LSB of 2^{lut.ExpBits} at entry {lut.MaxErrorIndex} " +
                            $"(entry 0 = {lut.Entry0}), entries 1..{lut.Entries - 1} within {lut.MaxErrorPastZeroLsb:0.000} LSB; " +
                            $"tail exp(-{G(lut.Entries / Math.ScaleB(1.0, lut.LutFracBits))}) = {lut.TailLsb:0.00} LSB"),
            ("replay", replay),
        };
        var width = lines.Max(l => l.Label.Length) + 2;
        return string.Concat(lines.Select(l => (l.Label + ":").PadRight(width) + l.Text + "\n"));
    }

    private static string G(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
