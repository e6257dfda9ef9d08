using System.CommandLine;
using Code2Lora.Cli;

// `c2l`: every stage of the pipeline is a verb; each verb's options mirror the typed config of that stage.
var root = new RootCommand("Code2Lora.NET: hypernetwork-generated LoRA adapters for code LMs (static and commit-evolving).");
root.Subcommands.Add(InfoCommand.Create());
root.Subcommands.Add(ConfigCommand.Create());
root.Subcommands.Add(MineCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(HistoriesCommand.Create());
root.Subcommands.Add(ReproduceCommand.Create());
root.Subcommands.Add(ModelCommand.Create());
root.Subcommands.Add(HubCommand.Create());
root.Subcommands.Add(PlanCommand.Create());
root.Subcommands.Add(PretrainCommand.Create());
root.Subcommands.Add(EmbedCommand.Create());
var train = TrainCommand.Create();
train.Subcommands.Add(EvoCommand.CreateTrain());
train.Subcommands.Add(EvoCommand.CreateTrainSingleLora());
root.Subcommands.Add(train);
var eval = TrainCommand.CreateEval();
eval.Subcommands.Add(EvoCommand.CreateEval());
eval.Subcommands.Add(CrossValCommand.Create());
root.Subcommands.Add(eval);
root.Subcommands.Add(TrainCommand.CreateAdapter());
root.Subcommands.Add(StudyCommand.Create());
root.Subcommands.Add(SweepCommand.Create());
root.Subcommands.Add(EvoUpdateCommand.Create());
return await CliApp.InvokeAsync(root, args);
